import { Inject, Injectable } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type PackageStoredV2, Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { writePackageClaims } from '@modelguard/storage';
import { DATA_SOURCE, runInTransaction } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { classifyFailure } from '../handlers/failure-classifier';
import { INGEST_DEPS } from '../ingest.tokens';
import { type IngestJob, IngestJobStore } from '../persistence/ingest-job.store';
import type { IngestDeps, PackageContent } from '../sources/package-content';
import { resolvePackage } from '../sources/resolve-package';
import { INGEST_SETTINGS, type IngestSettings, retryDelayFor } from './ingest-settings';

/**
 * stored / failed = announced; retry = queued again with back-off; lost = no longer ours, result discarded;
 * aborted = the worker is stopping and cancelled the download (its lease is released, nothing recorded).
 */
export type IngestOutcome = 'stored' | 'failed' | 'retry' | 'lost' | 'aborted';

/**
 * Runs one claimed job: downloads outside any transaction (it can take minutes and, on embedded PGlite,
 * an open transaction would freeze every other service), then records the outcome and enqueues the event in
 * one short transaction, only while the claim is still current.
 */
@Injectable()
export class IngestJobProcessor {
  private readonly logger: Logger;
  private readonly jobs = new IngestJobStore();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(INGEST_DEPS) private readonly deps: IngestDeps,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'IngestJobProcessor' });
  }

  async process(job: IngestJob, signal?: AbortSignal): Promise<IngestOutcome> {
    // Every request of this job goes through a fetcher bound to the worker's stop signal.
    const deps = signal ? { ...this.deps, fetcher: this.deps.fetcher.withSignal(signal) } : this.deps;
    let content: PackageContent;
    try {
      content = await resolvePackage(deps, job.url, job.artifactType);
    } catch (error) {
      // Not the upstream's fault: do not spend an attempt or a back-off, the next owner starts afresh.
      if (signal?.aborted) return 'aborted';
      return this.onFailure(job, error);
    }
    try {
      return await this.store(job, content);
    } catch (error) {
      // The database hiccuped while recording: transient, the download is retried like an upstream blip.
      return this.onFailure(job, error);
    }
  }

  private async store(job: IngestJob, content: PackageContent): Promise<IngestOutcome> {
    // Claim checks before the transaction: the manifest and README go to the blob store, the event carries their
    // digests (a large package's inline manifest would exceed Kafka's message limit and never be relayed).
    const claims = await writePackageClaims(this.deps.blobs, content);
    const { artifactId, artifactType, name, version, url } = job;
    const payload: PackageStoredV2 = { artifactId, artifactType, name, version, url, source: content.source, totalBytes: content.totalBytes, ...claims };
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await this.jobs.finish(manager, job, { status: 'stored', result: payload }))) return 'lost';
      await this.outbox.enqueue(manager, Topic.PackageStoredV2, payload, this.eventOptions(job));
      return 'stored' as const;
    });
  }

  private async onFailure(job: IngestJob, error: unknown): Promise<IngestOutcome> {
    const failure = classifyFailure(error);
    if (!failure.permanent && job.attempts < this.settings.maxAttempts) {
      const delay = retryDelayFor(this.settings, job.attempts);
      this.logger.warn(`ingest of ${job.artifactId}@${job.version} failed (attempt ${job.attempts}), retrying in ${delay} ms: ${failure.reason}`);
      const requeued = await this.jobs.retryLater(this.dataSource.manager, job, failure.reason, delay);
      return requeued ? 'retry' : 'lost';
    }
    this.logger.warn(`ingest of ${job.artifactId}@${job.version} failed for good (attempt ${job.attempts}): ${failure.reason}`);
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await this.jobs.finish(manager, job, { status: 'failed', error: failure.reason }))) return 'lost';
      await this.outbox.enqueue(
        manager,
        Topic.IngestFailed,
        { artifactId: job.artifactId, artifactType: job.artifactType, name: job.name, version: job.version, reason: failure.reason, retriable: !failure.permanent },
        this.eventOptions(job),
      );
      return 'failed' as const;
    });
  }

  private eventOptions(job: IngestJob): { key: string; causationId: string | null; correlationId: string | undefined } {
    return { key: job.artifactId, causationId: job.causationId, correlationId: job.correlationId };
  }
}
