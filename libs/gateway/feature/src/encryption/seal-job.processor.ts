import { backoffDelay } from '@modelguard/jobs';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { BlobIntegrityError, BlobNotFoundError, SelectiveEncryptionBlobStore } from '@modelguard/storage';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PackageZipCache } from '../packages/package-zip-cache';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { type SealJob, SealJobStore } from './seal-job.store';
import { SEAL_SETTINGS, type SealSettings } from './seal-settings';

export type SealOutcome = 'done' | 'again' | 'retry' | 'failed' | 'lost' | 'aborted';

/** 1 s before the second pass, doubling up to a minute (maxAttempts bounds how many). */
const RETRY_BACKOFF = { initialMs: 1_000, maxMs: 60_000, jitter: 0.2 };

/**
 * Whether sensitive models' blobs are sealed on demand. Off: nothing is sealed. All: every blob is sealed on write
 * already (older ones by the store migration job).
 */
export function sealsOnDemand(store: GatewayBlobStore): store is SelectiveEncryptionBlobStore {
  return store instanceof SelectiveEncryptionBlobStore && !store.sealAllWrites;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error';

/**
 * One sealing pass over a claimed job, outside any transaction (a GB-sized model takes a while, and no database
 * transaction or event partition may wait on it): every blob of every version of the model (files, manifest and
 * README claims) is sealed in place. Each seal is idempotent (an already sealed blob is skipped) and an atomic
 * replace, so a pass cut short (crash, shutdown, lost lease) is simply finished by the next one, and reads keep
 * working throughout: the store serves plaintext and sealed blobs side by side.
 *
 * Shared content: a blob is one object whatever number of models list it, so a blob shared with a non-sensitive model
 * is sealed too and decrypted transparently for both (never left readable on disk because another model uses it).
 */
@Injectable()
export class SealJobProcessor {
  private readonly logger: Logger;
  private readonly jobs = new SealJobStore();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(SEAL_SETTINGS) private readonly settings: SealSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'SealJobProcessor' });
  }

  async process(job: SealJob, signal: AbortSignal): Promise<SealOutcome> {
    try {
      const sealed = await this.sealArtifact(job.artifactId, signal);
      // Stopped between blobs: the job stays running, and stop() hands it to another worker, which finishes it.
      if (sealed === null) return 'aborted';
      const outcome = await this.jobs.finish(this.dataSource.manager, job, this.settings.workerId);
      if (sealed > 0) this.logger.info(`sealed ${sealed} blob(s) of sensitive model ${job.artifactId}`);
      return outcome;
    } catch (error: unknown) {
      if (signal.aborted) return 'aborted';
      const reason = reasonOf(error);
      if (job.attempts >= this.settings.maxAttempts) {
        this.logger.error(`sealing sensitive model ${job.artifactId} failed after ${job.attempts} attempts: ${reason}`);
        return (await this.jobs.fail(this.dataSource.manager, job.id, this.settings.workerId, reason)) ? 'failed' : 'lost';
      }
      this.logger.warn(`sealing sensitive model ${job.artifactId} failed (attempt ${job.attempts}), retrying: ${reason}`);
      await this.jobs.retryLater(this.dataSource.manager, job.id, this.settings.workerId, reason, backoffDelay(RETRY_BACKOFF, job.attempts));
      return 'retry';
    }
  }

  /** Seals what is not sealed yet; returns how many blobs this pass sealed, or null when aborted midway. */
  private async sealArtifact(artifactId: string, signal: AbortSignal): Promise<number | null> {
    const store = this.blobs;
    if (!sealsOnDemand(store)) return 0;
    const m = this.dataSource.manager;
    const versions = await m.getRepository(ArtifactVersionEntity).findBy({ artifactId });
    const shas = new Set<string>();
    for (const v of versions) {
      for (const f of v.files) shas.add(f.sha256);
      if (v.manifestSha256 !== null) shas.add(v.manifestSha256);
      if (v.readmeSha256 !== null) shas.add(v.readmeSha256);
    }
    // Cached full-package zips (this model's and any other model's sharing a blob) are plaintext copies: dropped.
    // New ones are not cached meanwhile: the cache refuses versions touching a sensitive model (package-zip-cache.ts).
    await PackageZipCache.forgetZipsHolding(m, [...shas]);
    let sealed = 0;
    for (const sha of shas) {
      if (signal.aborted) return null;
      try {
        if (await store.seal(sha)) sealed += 1;
      } catch (error: unknown) {
        // Gone (a version still ingesting, a collected blob): nothing to protect. Tampered: sealing would make the
        // wrong bytes look authentic; left as is, the download path refuses and audits it.
        if (error instanceof BlobNotFoundError) continue;
        if (error instanceof BlobIntegrityError) {
          this.logger.error('sensitive model blob fails its digest; left unsealed', { artifactId, sha256: sha });
          continue;
        }
        throw error;
      }
    }
    return sealed;
  }
}
