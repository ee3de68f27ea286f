import { uniqueWorkerId } from '@modelguard/jobs';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { UPLOAD_SESSION_IDLE_MS, UploadSessionsService } from '../packages/upload-sessions.service';
import { referencedBlobs } from './blob-references';
import { JanitorLease } from './janitor-lease';
import { sweepSpool } from './spool-sweeper';

export interface JanitorReport {
  spoolRemoved: number;
  /** Resumable upload sessions idle past their expiry, removed with their spool files. */
  sessionsExpired: number;
  blobsRemoved: number;
  bytesRemoved: number;
  /** False when the lease was lost mid-run (another replica took over) and the pass stopped early. */
  complete: boolean;
}

/** Blobs per listed page: one reference query and at most one batched delete each. */
const PAGE_SIZE = 1000;
/** Renewed after every page, so it only lapses when this replica died or stalled for this long. */
const LEASE_MS = 5 * 60_000;

/**
 * Collects what nothing references any more (issue 11.6): upload spools and monitor runs left by a crash, and blobs
 * in no artifact version's manifest and no monitor program — those of a deleted artifact, of everything after a
 * reset, of failed or cancelled uploads and ingests, partial leftovers. Only what is older than the grace period
 * goes: an ingest in progress writes its blobs before PackageStored makes the gateway reference them, so a young
 * unreferenced blob is live, and a deduplicated put refreshes an old blob's modification time (the stores do that).
 * References are read after each page is listed, so a version committed before that is always seen. The blob pass
 * holds a lease in PostgreSQL, so one replica collects at a time.
 */
@Injectable()
export class OrphanJanitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly owner = uniqueWorkerId('janitor-');
  private readonly lease: JanitorLease;
  private timer?: NodeJS.Timeout;
  private running: Promise<JanitorReport | null> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly uploadSessions: UploadSessionsService,
  ) {
    this.logger = logger.child({ context: 'OrphanJanitor' });
    this.lease = new JanitorLease(dataSource, 'orphans');
  }

  onApplicationBootstrap(): void {
    // Spools of a crashed predecessor are collected at once; the scratch directory is this host's, so no lease. It
    // counts as a running pass, so a collect() called meanwhile waits instead of sweeping the same entries beside it.
    const startup: Promise<null> = this.sweepSpool()
      .catch((err: unknown) => this.logger.warn('spool sweep at start-up failed', { err }))
      .then(() => null)
      .finally(() => {
        if (this.running === startup) this.running = null;
      });
    this.running = startup;
    const intervalMs = this.settings.gateway.janitor.intervalSeconds * 1000;
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
    void startup.then(() => this.tick());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * One pass now: spool sweep, then the blob pass if the lease is free. `respectInterval` (periodic runs) also skips
   * the blob pass when any replica finished one less than an interval ago. Null when the lease was not taken.
   */
  async collect(opts: { respectInterval?: boolean } = {}): Promise<JanitorReport | null> {
    // Serialised within the process; the lease serialises replicas.
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass(opts.respectInterval ?? false);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    try {
      const report = await this.collect({ respectInterval: true });
      if (report && (report.blobsRemoved > 0 || report.spoolRemoved > 0 || report.sessionsExpired > 0)) {
        const { blobsRemoved: blobs, bytesRemoved: bytes, spoolRemoved: spool_entries, sessionsExpired: upload_sessions } = report;
        this.logger.info('collected orphans', { blobs, bytes, spool_entries, upload_sessions });
      }
    } catch (err) {
      this.logger.warn('janitor pass failed; retried at the next interval', { err });
    }
  }

  private async pass(respectInterval: boolean): Promise<JanitorReport | null> {
    // Expiry is one conditional DELETE per session, safe on every replica at once, so it needs no lease.
    const sessionsExpired = await this.uploadSessions.expire();
    const spoolRemoved = await this.sweepSpool();
    const minIntervalMs = respectInterval ? this.settings.gateway.janitor.intervalSeconds * 1000 : 0;
    if (!(await this.lease.acquire(this.owner, LEASE_MS, minIntervalMs))) return null;
    // Only a pass that walked the whole store counts as finished (starts the interval); a failed one is retried.
    let complete = false;
    let stoppedEarly = false;
    let blobsRemoved = 0;
    let bytesRemoved = 0;
    try {
      const cutoff = this.cutoff();
      for await (const page of this.blobs.list(PAGE_SIZE)) {
        if (this.stopped || !(await this.lease.renew(this.owner, LEASE_MS))) {
          stoppedEarly = true;
          break;
        }
        const old = page.filter((b) => b.modifiedAt.getTime() < cutoff);
        if (old.length === 0) continue;
        const live = await referencedBlobs(this.dataSource, old.map((b) => b.sha256));
        const orphans = old.filter((b) => !live.has(b.sha256));
        if (orphans.length === 0) continue;
        await this.blobs.deleteMany(orphans.map((b) => b.sha256));
        blobsRemoved += orphans.length;
        bytesRemoved += orphans.reduce((sum, b) => sum + b.size, 0);
      }
      complete = !stoppedEarly;
    } finally {
      await this.lease.release(this.owner, complete);
    }
    return { spoolRemoved, sessionsExpired, blobsRemoved, bytesRemoved, complete };
  }

  private sweepSpool(): Promise<number> {
    // Session spools live as long as their session: one is an orphan only once it is older than any live session's.
    return sweepSpool(this.settings.gateway.tmpDir, this.cutoff(), this.clock.now() - UPLOAD_SESSION_IDLE_MS - this.settings.gateway.janitor.graceSeconds * 1000);
  }

  private cutoff(): number {
    return this.clock.now() - this.settings.gateway.janitor.graceSeconds * 1000;
  }
}
