import { Topic, type ArtifactType, type ManifestEntry } from '@modelguard/contracts';
import { DigestCheck, type ByteRange, type StreamZipOptions } from '@modelguard/packages';
import { qualifiedTable } from '@modelguard/persistence';
import { downloadExtrasFor } from '@modelguard/signing';
import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { clientAddress as clientAddressOf } from '../rate-limit/rate-limiter';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { SignedManifestService } from '../signing/signed-manifest.service';
import { checkDownloadGate } from './download-gate';
import { findVersion } from './version-lookup';

export interface ResolvedDownload {
  artifact: ArtifactEntity;
  version: ArtifactVersionEntity;
  warning: string | null;
  /** The signature bundle verified while resolving; absent when it was not read (then zipOptions reads it). */
  bundle?: string;
}

/** What recording a download reads of its request: the method, and the client's address for the traffic signals. */
export type DownloadRequest = { method: string } & Parameters<typeof clientAddressOf>[0];

/** Resolves which version is downloaded, applies the scan gate and records the download (row + event, one statement). */
@Injectable()
export class DownloadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    private readonly signatures: SignedManifestService,
  ) {}

  async resolve(type: ArtifactType, id: string, rawVersion: unknown): Promise<ResolvedDownload> {
    const artifact = await this.artifacts.require(this.dataSource.manager, type, id);
    if (rawVersion !== undefined && (typeof rawVersion !== 'string' || rawVersion.length === 0 || rawVersion.length > 64)) {
      throw new ClientError(400, 'version must be a version string');
    }
    // No ?version= → the latest (a key); else the version shown under that name (label, else key).
    const version =
      rawVersion === undefined
        ? await this.dataSource.getRepository(ArtifactVersionEntity).findOneBy({ artifactId: id, version: artifact.latestVersion })
        : await findVersion(this.dataSource.manager, id, rawVersion as string);
    if (version === null) throw new ClientError(404, `${artifact.name} has no version ${String(rawVersion ?? artifact.latestVersion)}`);
    const { warning } = checkDownloadGate(version);
    // Integrity (issue 11.2): the manifest served from must be the signed one (signing/signed-manifest.service.ts).
    const bundle = await this.signatures.assertServable(version);
    return { artifact, version, warning, ...(bundle === undefined ? {} : { bundle }) };
  }

  /**
   * Writes the download history row and ArtifactDownloaded before any byte is sent, in one statement (atomic, one
   * round trip: under 100 concurrent downloads a four-statement transaction held a pooled connection across four
   * turns of an event loop busy streaming, and the pool's waiters timed out into 503s). `clientAddress` rides on the
   * event for the package-confusion audit's traffic signals (confusion/popularity.handlers.ts). A HEAD reads no
   * content (Express answers it with the GET route): it is not a download, so nothing is recorded, counted or audited.
   */
  async record(d: ResolvedDownload, part: string, actor: RequestActor, req: DownloadRequest): Promise<void> {
    if (req.method === 'HEAD') return;
    const clientAddress = clientAddressOf(req);
    const downloads = qualifiedTable(this.dataSource, 'downloads');
    await this.outbox.enqueueWith(
      this.dataSource.manager,
      Topic.ArtifactDownloaded,
      {
        artifactId: d.artifact.id,
        artifactType: d.artifact.type,
        name: d.artifact.name,
        version: d.version.version,
        part,
        actor: { name: actor.name, isAdmin: actor.isAdmin },
        ...(clientAddress ? { clientAddress: clientAddress.slice(0, 128) } : {}),
      },
      { key: d.artifact.id },
      { sql: `INSERT INTO ${downloads} (artifact_id, version, part, actor_name) VALUES ($1, $2, $3, $4)`, params: [d.artifact.id, d.version.version, part, actor.name] },
    );
  }

  findFile(d: ResolvedDownload, path: string): ManifestEntry {
    const entry = d.version.files.find((f) => f.path === path);
    if (entry === undefined) throw new ClientError(404, `version ${d.version.version} has no file ${JSON.stringify(path.slice(0, 200))}`);
    return entry;
  }

  /**
   * A whole file is re-hashed as it streams and fails (the response aborts) if the blob is not the signed bytes,
   * unless the store verified this very stored copy before (fs store's verified stat: same inode, size and ctime).
   */
  async openFile(entry: ManifestEntry, range?: ByteRange): Promise<Readable> {
    if (range !== undefined) return this.blobs.get(entry.sha256, range);
    return (await this.blobs.getVerified(entry.sha256, () => new DigestCheck(entry))).body;
  }

  /** A full download carries the version's bundle (model.sig, or a suffixed name the signed statement reserved). */
  async zipOptions(d: ResolvedDownload, label: string): Promise<StreamZipOptions> {
    // The bundle resolve() verified (the same row: one read less per download), else read now.
    const bundle = label !== 'full' ? null : d.bundle !== undefined ? d.bundle : await this.signatures.bundleText(d.artifact.id, d.version.version);
    return bundle === null ? {} : { extraFiles: [{ name: downloadExtrasFor(d.version.files.map((f) => f.path)).bundle, content: Buffer.from(bundle) }] };
  }
}
