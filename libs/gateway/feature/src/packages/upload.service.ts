import { Topic, type ArtifactType, type ManifestEntry } from '@modelguard/contracts';
import { manifestTotalBytes } from '@modelguard/domain';
import { Inject, Injectable } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { artifactView, downloadUrlOf, type ArtifactView } from '../artifacts/artifact-view';
import type { RequestActor } from '../auth/actor';
import { assertMayModifyArtifact } from '../auth/ownership';
import { newArtifactId } from '../domain/artifact-id';
import { validateArtifactName } from '../domain/artifact-name';
import { assignedVersion, parseRequestedVersion } from '../domain/version-query';
import { MAX_README_CHARS } from '../events/gateway-event.handlers';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { ingestZipToBlobStore, PrefetchingSpool, ZipPrefetcher } from '@modelguard/packages';
import { type PackageClaims, writePackageClaims } from '@modelguard/storage';
import { QuotaService } from '../quotas/quota.service';
import { ManifestSigner } from '../signing/manifest-signer';
import { UploaderKeysService } from '../signing/uploader-keys.service';
import { spoolToTempFile } from './upload-spool';
import { nextCounterVersion, requireVersionFree } from './version-lookup';

const README = /^readme(\.(md|txt|rst))?$/i;

/** A request body still to be spooled, or a zip already spooled by an upload session. */
type UploadSource = { body: Readable; length: number | undefined } | { path: string };

/**
 * Direct package upload (extension): spool → safe unzip into the blob store → one transaction that records the
 * version as stored (scan pending) and publishes PackageUploaded (v2: the manifest as a blob claim, written before the
 * transaction) so the scanner picks it up. Uploads have their own topic: ingest.package-stored.v2 is ingest's, and a
 * reader of stored packages subscribes to both.
 */
@Injectable()
export class UploadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    private readonly signer: ManifestSigner,
    private readonly uploaderKeys: UploaderKeysService,
    private readonly quotas: QuotaService,
  ) {}

  /** `rawVersion`: the uploader's own name for the version (`?version=1.2.0`), else the counter's 1.0.0. */
  async createFromUpload(
    type: ArtifactType,
    rawName: unknown,
    rawVersion: unknown,
    body: Readable,
    length: number | undefined,
    actor: RequestActor,
    /** The uploader's own Sigstore bundle (base64), verified against their registered keys (uploader-keys.service.ts). */
    uploaderBundle?: string,
  ): Promise<ArtifactView> {
    return this.create(type, rawName, rawVersion, { body, length }, actor, uploaderBundle);
  }

  /**
   * A resumable upload's assembled zip (upload-sessions.service.ts): exactly the one-shot path from here on (same
   * validation, quotas, audit and events). The caller keeps and removes its spool file.
   */
  createFromSpooledFile(type: ArtifactType, rawName: unknown, rawVersion: unknown, path: string, actor: RequestActor): Promise<ArtifactView> {
    return this.create(type, rawName, rawVersion, { path }, actor);
  }

  private async create(type: ArtifactType, rawName: unknown, rawVersion: unknown, source: UploadSource, actor: RequestActor, uploaderBundle?: string): Promise<ArtifactView> {
    const name = validateArtifactName(rawName);
    const version = parseRequestedVersion(rawVersion) ?? assignedVersion(0);
    // Quotas (quotas/quota.service.ts) refuse before the body is read; the exact storage check is in the transaction.
    await this.quotas.takeUploadSlot(actor.name);
    await this.quotas.assertStorageNotFull(actor.name);
    const files = await this.unpack(source);
    const readme = await this.readReadme(files);
    const claims = await writePackageClaims(this.blobs, { files, metadata: {} });
    const id = newArtifactId();
    const url = downloadUrlOf(this.settings.http.publicUrl, type, id);
    const artifact = await this.dataSource.transaction(async (m) => {
      await this.quotas.assertStorageRoom(m, actor.name, manifestTotalBytes(files));
      const row = m.getRepository(ArtifactEntity).create({ id, type, name, url, latestVersion: version, readme, owner: actor.name });
      await m.getRepository(ArtifactEntity).insert(row);
      const signed = uploaderBundle === undefined ? null : await this.uploaderKeys.verifyForUpload(m, actor, uploaderBundle, name, files);
      await this.storeVersion(m, row, version, 0, { files, claims }, actor, Topic.ArtifactCreated);
      if (signed !== null) await this.uploaderKeys.record(m, id, version, actor, signed);
      return row;
    });
    return artifactView(artifact, this.settings.http.publicUrl);
  }

  /** A named version must be new to the artifact (409); without a name the counter picks the next free one. */
  async addVersionFromUpload(
    type: ArtifactType,
    id: string,
    rawVersion: unknown,
    body: Readable,
    length: number | undefined,
    actor: RequestActor,
    uploaderBundle?: string,
  ): Promise<{ version: string }> {
    const named = parseRequestedVersion(rawVersion);
    // 404 and 409 before reading a large body; the transaction checks the name again under the artifact's lock.
    assertMayModifyArtifact(actor, await this.artifacts.require(this.dataSource.manager, type, id), 'update');
    if (named !== null) await requireVersionFree(this.dataSource.manager, id, named);
    await this.quotas.takeUploadSlot(actor.name);
    const files = await this.unpack({ body, length });
    const readme = await this.readReadme(files);
    const claims = await writePackageClaims(this.blobs, { files, metadata: {} });
    return this.dataSource.transaction(async (m) => {
      const artifact = await this.artifacts.require(m, type, id, true);
      assertMayModifyArtifact(actor, artifact, 'update');
      // Stored bytes count against the artifact's owner (an admin adding a version spends the owner's quota).
      if (artifact.owner !== null) await this.quotas.assertStorageRoom(m, artifact.owner, manifestTotalBytes(files));
      const last = await m.getRepository(ArtifactVersionEntity).maximum('ordinal', { artifactId: id });
      const ordinal = (last ?? -1) + 1;
      if (named !== null) await requireVersionFree(m, id, named);
      const version = named ?? (await nextCounterVersion(m, id, ordinal));
      await m.getRepository(ArtifactEntity).update({ id }, { latestVersion: version, readme: readme ?? artifact.readme });
      const signed = uploaderBundle === undefined ? null : await this.uploaderKeys.verifyForUpload(m, actor, uploaderBundle, artifact.name, files);
      await this.storeVersion(m, artifact, version, ordinal, { files, claims }, actor, Topic.ArtifactUpdated);
      if (signed !== null) await this.uploaderKeys.record(m, id, version, actor, signed);
      return { version };
    });
  }

  private async storeVersion(
    m: EntityManager,
    a: ArtifactEntity,
    version: string,
    ordinal: number,
    { files, claims }: { files: ManifestEntry[]; claims: PackageClaims },
    actor: RequestActor,
    topic: typeof Topic.ArtifactCreated | typeof Topic.ArtifactUpdated,
  ): Promise<void> {
    const totalBytes = manifestTotalBytes(files);
    await m.getRepository(ArtifactVersionEntity).insert({
      artifactId: a.id, version, ordinal, url: a.url, source: 'upload', ingestState: 'stored', ingestError: null,
      scanState: 'pending', files, totalBytes: String(totalBytes), manifestSha256: claims.manifest.sha256, readmeSha256: null,
    });
    await this.signer.sign(m, a, version, files);
    const ref = { artifactId: a.id, artifactType: a.type, name: a.name };
    const who = { name: actor.name, isAdmin: actor.isAdmin };
    await this.outbox.enqueue(m, topic, { ...ref, url: a.url, version, actor: who }, { key: a.id });
    await this.outbox.enqueue(m, Topic.PackageUploadedV2, { ...ref, version, url: a.url, totalBytes, ...claims }, { key: a.id });
  }

  private async unpack(source: UploadSource): Promise<ManifestEntry[]> {
    const { limits, gateway } = this.settings;
    // PackageError (bomb, traversal, symlink, corrupt) is mapped to 400 by the exception filter.
    if ('path' in source) return ingestZipToBlobStore(source.path, this.blobs, limits);
    // Entries are stored while the body arrives (stored entries' bytes then skip the spool file); the spooled
    // archive's central directory decides what is kept.
    const prefetch = new ZipPrefetcher(this.blobs, limits);
    let path: string;
    try {
      path = await spoolToTempFile(source.body, gateway.tmpDir, limits.maxUploadBytes, source.length, (file) => new PrefetchingSpool(file, prefetch));
    } catch (error) {
      prefetch.abort();
      throw error;
    }
    try {
      return await ingestZipToBlobStore(path, this.blobs, limits, { prefetch: await prefetch.finish() });
    } finally {
      await rm(path, { force: true });
    }
  }

  /** Reads at most MAX_README_CHARS of the root README (streamed, stops early) for regex search. */
  private async readReadme(files: ManifestEntry[]): Promise<string | null> {
    const entry = files.find((f) => README.test(f.path));
    if (entry === undefined) return null;
    const stream = await this.blobs.get(entry.sha256);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= MAX_README_CHARS * 4) break;
    }
    stream.destroy();
    return Buffer.concat(chunks).toString('utf8').slice(0, MAX_README_CHARS);
  }
}
