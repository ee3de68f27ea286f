import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { runDownloadWorkload, runPool } from '@modelguard/loadgen';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { TokenLedger } from '../auth/token-ledger';
import { TokenService } from '../auth/token.service';
import { ArtifactService } from '../artifacts/artifact.service';
import { ClientError } from '../domain/client-error';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { RegistrySeeder } from './registry-seeder';
import type { WorkloadRequest } from './workload-request';
import { runView, type WorkloadRun } from './workload-run';

/** Finished runs kept for GET; older ones are forgotten (this is a dashboard, not a results archive). */
const KEPT_RUNS = 10;
/** The clients' tokens live this long at most, and are revoked as soon as the run ends. */
const CLIENT_TOKEN_TTL_SECONDS = 3600;

/**
 * The performance workload of issue 13 (100 clients downloading a model from a registry of 500), started by an
 * admin: clients issue real HTTP downloads against this gateway's own listening address, each with its own real
 * token (download permission only, on the admin's account, revoked afterwards), through the shared load generator
 * (@modelguard/loadgen, also behind bench/registry/concurrent-downloads.mjs). One run at a time per gateway process;
 * it runs on the event loop as asynchronous I/O, so requests keep being served while it runs.
 */
@Injectable()
export class PerformanceWorkloadService implements OnModuleDestroy {
  private readonly runs = new Map<string, WorkloadRun>();
  private active: { run: WorkloadRun; abort: AbortController } | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly artifacts: ArtifactService,
    private readonly seeder: RegistrySeeder,
    private readonly tokens: TokenService,
    private readonly ledger: TokenLedger,
    private readonly security: SecurityEvents,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'PerformanceWorkload' });
  }

  async start(actor: RequestActor, request: WorkloadRequest): Promise<Record<string, unknown>> {
    this.assertIdle();
    await this.artifacts.get('model', request.artifactId); // 404 for an unknown model, before anything starts
    this.assertIdle(); // again after the await: two concurrent starts must not both pass
    const run: WorkloadRun = {
      id: randomUUID(),
      status: request.registrySize === null ? 'running' : 'seeding',
      request,
      startedBy: actor.name,
      startedAt: new Date(this.clock.now()),
      finishedAt: null,
      registrySize: null,
      seeded: 0,
      completed: 0,
      result: null,
      error: null,
    };
    this.active = { run, abort: new AbortController() };
    this.remember(run);
    const detail = `run=${run.id} model=${request.artifactId} clients=${request.clients} downloads_per_client=${request.downloadsPerClient} registry_size=${request.registrySize ?? 'as is'}`;
    try {
      await this.security.publish(null, actor, 'PERFORMANCE_WORKLOAD_RUN', request.artifactId, detail);
    } catch (err) {
      this.active = null;
      this.runs.delete(run.id);
      throw err;
    }
    void this.execute(run, actor, this.active.abort.signal);
    return runView(run);
  }

  get(runId: string): Record<string, unknown> {
    const run = this.runs.get(runId);
    if (run === undefined) throw new ClientError(404, 'no performance workload run with this id on this gateway (only the newest 10 are kept)');
    return runView(run);
  }

  private assertIdle(): void {
    const running = this.active?.run.id;
    if (running !== undefined) throw new ClientError(409, `performance workload ${running} is still running; wait for it to finish`, {}, { run_id: running });
  }

  onModuleDestroy(): void {
    this.active?.abort.abort();
  }

  private async execute(run: WorkloadRun, actor: RequestActor, signal: AbortSignal): Promise<void> {
    const issued: string[] = [];
    let outcome: { status: 'succeeded' } | { status: 'failed'; error: string };
    try {
      if (run.request.registrySize !== null) {
        run.seeded = await this.seeder.seedUpTo(run.request.registrySize, actor, run.id.slice(0, 8), (n) => (run.seeded = n));
      }
      run.registrySize = await this.seeder.count();
      run.status = 'running';
      const downloader: RequestActor = { name: actor.name, isAdmin: false, permissions: ['download'] };
      await runPool(run.request.clients, 8, async () => {
        issued.push(await this.tokens.issue(downloader, undefined, CLIENT_TOKEN_TTL_SECONDS));
      });
      run.result = await runDownloadWorkload({
        baseUrl: this.ownAddress(),
        path: `/artifacts/model/${encodeURIComponent(run.request.artifactId)}/download`,
        tokens: issued,
        clients: run.request.clients,
        downloadsPerClient: run.request.downloadsPerClient,
        minBytes: 1,
        signal,
        onDownload: (n) => (run.completed = n),
      });
      outcome = { status: 'succeeded' };
      this.logger.info('performance workload finished', { run_id: run.id, downloads: run.result.succeeded, errors: run.result.attempted - run.result.succeeded, mib_per_s: run.result.throughputMiBps });
    } catch (err) {
      outcome = { status: 'failed', error: err instanceof Error ? err.message.slice(0, 300) : 'the workload failed' };
      this.logger.warn('performance workload failed', { run_id: run.id, err });
    }
    // Revoked before the run shows as finished: a caller who sees it done must find its client tokens dead.
    await this.revoke(actor.name, issued);
    run.status = outcome.status;
    if (outcome.status === 'failed') run.error = outcome.error;
    run.finishedAt = new Date(this.clock.now());
    this.active = null;
  }

  /** The clients' tokens are of no use after the run: revoke them rather than leave them live for an hour. */
  private async revoke(userName: string, issued: string[]): Promise<void> {
    for (const token of issued) {
      const id = tokenIdOf(token);
      if (id === null) continue;
      await this.ledger.revokeOne(userName, id).catch((err: unknown) => this.logger.warn('could not revoke a workload token', { err }));
    }
  }

  /** Where this process's HTTP server listens, as a loopback URL when it listens on every interface. */
  private ownAddress(): string {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | string | null;
    if (address === null || typeof address === 'string') throw new Error('the gateway is not listening on a TCP port');
    const host = address.address === '0.0.0.0' || address.address === '' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  private remember(run: WorkloadRun): void {
    this.runs.set(run.id, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= KEPT_RUNS) break;
      if (this.active?.run.id !== id) this.runs.delete(id);
    }
  }
}

/** The jti of an issued `bearer <jwt>` (our own token, so its shape is known). */
function tokenIdOf(token: string): string | null {
  const payload = token.replace(/^bearer\s+/i, '').split('.')[1];
  if (payload === undefined) return null;
  try {
    const jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    return typeof jti === 'string' ? jti : null;
  } catch {
    return null;
  }
}
