import { Topic, type ArtifactUpdatedV1, type Envelope, type SensitivityChangedV1 } from '@modelguard/contracts';
import { OnEvent, type EventContext } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { BlobIntegrityError, BlobNotFoundError, SelectiveEncryptionBlobStore } from '@modelguard/storage';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PackageZipCache } from '../packages/package-zip-cache';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { SensitiveModelEntity } from '../persistence/sensitive-model.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';

/**
 * STORAGE_ENCRYPTION=sensitive: seals a sensitive model's blobs in place (same content address) off the request
 * path. Runs when a model is marked sensitive (all its versions) and when a sensitive model gets a new version. Each
 * step is idempotent (an already sealed blob is skipped), so a redelivery after a crash simply finishes the job; the
 * delivery is acknowledged only once every blob is sealed. Reads keep working throughout: the store serves plaintext
 * and sealed blobs side by side and each seal is an atomic replace.
 *
 * Shared content: a blob is one object whatever number of models list it, so a blob shared with a non-sensitive model
 * is sealed too and decrypted transparently for both (never left readable on disk because another model uses it).
 */
@Injectable()
export class SensitiveBlobSealer {
  private readonly logger: Logger;

  constructor(
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'SensitiveBlobSealer' });
  }

  @OnEvent(Topic.SensitivityChanged)
  async onSensitivityChanged(event: Envelope<SensitivityChangedV1>, ctx: EventContext): Promise<void> {
    // Unmarking leaves blobs sealed: decrypting them again would only widen what a stolen disk reveals.
    if (event.payload.change === 'marked') await this.sealArtifact(ctx.manager, event.payload.artifactId);
  }

  @OnEvent(Topic.ArtifactUpdated)
  async onArtifactUpdated(event: Envelope<ArtifactUpdatedV1>, ctx: EventContext): Promise<void> {
    const sensitive = await ctx.manager.getRepository(SensitiveModelEntity).existsBy({ artifactId: event.payload.artifactId });
    if (sensitive) await this.sealArtifact(ctx.manager, event.payload.artifactId);
  }

  /** Seals every blob of every version (files, manifest and README claims). Returns how many were sealed now. */
  async sealArtifact(m: EntityManager, artifactId: string): Promise<number> {
    const store = this.blobs;
    // Off: nothing to do. All: every blob is sealed on write already (older ones by the store migration job).
    if (!(store instanceof SelectiveEncryptionBlobStore) || store.sealAllWrites) return 0;
    const versions = await m.getRepository(ArtifactVersionEntity).findBy({ artifactId });
    const shas = new Set<string>();
    for (const v of versions) {
      for (const f of v.files) shas.add(f.sha256);
      if (v.manifestSha256 !== null) shas.add(v.manifestSha256);
      if (v.readmeSha256 !== null) shas.add(v.readmeSha256);
    }
    // Cached full-package zips (this model's and any other model's sharing a blob) are plaintext copies: dropped.
    await PackageZipCache.forgetZipsHolding(m, [...shas]);
    let sealed = 0;
    for (const sha of shas) {
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
    if (sealed > 0) this.logger.info(`sealed ${sealed} blob(s) of sensitive model ${artifactId}`);
    return sealed;
  }
}
