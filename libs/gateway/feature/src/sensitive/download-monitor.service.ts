import type { ManifestEntry } from '@modelguard/contracts';
import { streamZip, type StreamZipOptions } from '@modelguard/packages';
import { Inject, Injectable } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import type { ResolvedDownload } from '../packages/download.service';
import { SensitiveDownloadEntity } from '../persistence/sensitive-download.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { runMonitorProgram, type MonitorRunLimits } from './monitor-runner';
import { NO_PROGRAM, refusalMessage, type MonitorOutcome } from './monitor-verdict';
import { RunSlots } from '../domain/run-slots';
import { SensitiveModelsService } from './sensitive-models.service';

/** Output kept per stream (stdout is shown in the refusal and the history), and the total after which a run is killed. */
const KEEP_OUTPUT_BYTES = 64 * 1024;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** What the history keeps of stdout (the refusal body shows up to KEEP_OUTPUT_BYTES). */
const HISTORY_STDOUT_CHARS = 4096;

/**
 * The gate before every download of a sensitive model: writes the zip the downloader would get into a private
 * directory, runs the model's monitor program on it (monitor-runner.ts) and lets the download through only on exit
 * 0. Every attempt, allowed or refused, goes into the sensitive download history.
 */
@Injectable()
export class DownloadMonitorService {
  private readonly slots: RunSlots;
  private readonly limits: MonitorRunLimits;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sensitive: SensitiveModelsService,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {
    const { concurrency, timeoutMs, memoryMb } = settings.gateway.monitor;
    // A few waiters per slot, each for at most one run's time: beyond that a 503 beats an unbounded queue.
    this.slots = new RunSlots(concurrency, concurrency * 4, timeoutMs, monitorsBusy);
    this.limits = { timeoutMs, memoryMb, keepOutputBytes: KEEP_OUTPUT_BYTES, maxOutputBytes: MAX_OUTPUT_BYTES };
  }

  /** Throws a 403 ClientError (with the program's stdout) when the program refuses; returns when allowed. */
  async check(d: ResolvedDownload, files: readonly ManifestEntry[], part: string, actor: RequestActor, zipOptions: StreamZipOptions = {}): Promise<void> {
    const row = await this.sensitive.loadRow(d.artifact.id);
    if (row === null) return;
    const attempt = { artifactId: d.artifact.id, version: d.version.version, part: part.slice(0, 1000), actorName: actor.name, programSha256: row.programSha256 };
    if (row.programSha256 === null) {
      await this.dataSource.getRepository(SensitiveDownloadEntity).insert({ ...attempt, allowed: true, verdict: NO_PROGRAM });
      return;
    }
    let release: () => void;
    try {
      release = await this.slots.acquire();
    } catch (error: unknown) {
      await this.dataSource.getRepository(SensitiveDownloadEntity).insert({ ...attempt, allowed: false, verdict: 'unavailable' });
      throw error;
    }
    let outcome: MonitorOutcome;
    try {
      outcome = await this.run(d, files, zipOptions, row.programSha256, actor);
    } finally {
      release();
    }
    const allowed = outcome.verdict === 'passed';
    await this.dataSource.getRepository(SensitiveDownloadEntity).insert({
      ...attempt,
      allowed,
      verdict: outcome.verdict,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: outcome.durationMs,
      stdout: outcome.stdout.slice(0, HISTORY_STDOUT_CHARS),
    });
    if (!allowed) {
      // stderr is not shown: it carries stack traces naming the gateway's paths (the program's author can print to stdout).
      const details = { monitor: { verdict: outcome.verdict, exit_code: outcome.exitCode, signal: outcome.signal, stdout: outcome.stdout, program_sha256: row.programSha256 } };
      throw new ClientError(403, refusalMessage(d.artifact.name, outcome), {}, details, 'monitor-program');
    }
  }

  private async run(d: ResolvedDownload, files: readonly ManifestEntry[], zipOptions: StreamZipOptions, programSha256: string, actor: RequestActor): Promise<MonitorOutcome> {
    const root = join(this.settings.gateway.tmpDir, 'monitor');
    await mkdir(root, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(root, 'run-'));
    try {
      await chmod(dir, 0o700);
      const programPath = join(dir, 'program.js');
      const zipPath = join(dir, 'package.zip');
      await pipeline(await this.blobs.get(programSha256), createWriteStream(programPath, { mode: 0o600 }));
      await streamZip(files, (sha256) => this.blobs.get(sha256), createWriteStream(zipPath, { mode: 0o600 }), zipOptions);
      return await runMonitorProgram({ dir, programPath, args: [d.artifact.name, d.artifact.owner ?? '', actor.name, zipPath] }, this.limits);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function monitorsBusy(): ClientError {
  return new ClientError(503, 'too many monitor programs are running for downloads of sensitive models; retry shortly', { 'Retry-After': '2' });
}
