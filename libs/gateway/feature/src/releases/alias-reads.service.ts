import { streamZip } from '@modelguard/packages';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { metadataOf, type ArtifactMetadataView } from '../artifacts/artifact-view';
import type { RequestActor } from '../auth/actor';
import type { ActorRequest } from '../auth/auth.decorators';
import { ClientError } from '../domain/client-error';
import { shownVersion } from '../domain/version-query';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { RefusalRecorder } from '../http/refusal-recorder';
import { guardDownloadIntegrity } from '../packages/download-integrity';
import { DownloadService } from '../packages/download.service';
import { SCAN_WARNING_HEADER } from '../packages/packages.controller';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { DownloadMonitorService } from '../sensitive/download-monitor.service';
import { AliasesService } from './aliases.service';

/** The spec's Artifact for the version an alias points at, and which version that is. */
export interface AliasArtifactView {
  metadata: ArtifactMetadataView;
  /** `url`: that version's source; `download_url`: the alias download (whatever the alias points at when fetched). */
  data: { url: string; download_url: string };
  alias: { name: string; version: string; version_key: string };
}

/**
 * Reading through an alias, shared by both spellings of it (`/artifacts/model/{id}/aliases/{alias}/download` and
 * `/artifacts/model/{id}@{alias}/download`), so the deployment-token scope, the download gates (scan, ingest rating
 * gate, signed manifest, sensitive-model monitor) and the deployment-pull record cannot differ between them.
 */
@Injectable()
export class AliasReadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly aliases: AliasesService,
    private readonly artifacts: ArtifactService,
    private readonly downloads: DownloadService,
    private readonly monitor: DownloadMonitorService,
    private readonly refusals: RefusalRecorder,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async describe(id: string, alias: string): Promise<AliasArtifactView> {
    const artifact = await this.artifacts.require(this.dataSource.manager, 'model', id);
    const key = await this.aliases.resolve(id, alias);
    const version = await this.dataSource.getRepository(ArtifactVersionEntity).findOneBy({ artifactId: id, version: key });
    if (version === null) throw new ClientError(404, `alias ${alias} of model ${id} points at version ${key}, which no longer exists`);
    const base = this.settings.http.publicUrl.replace(/\/+$/, '');
    return {
      metadata: metadataOf(artifact),
      data: { url: version.url, download_url: `${base}/artifacts/model/${id}@${alias}/download` },
      alias: { name: alias, version: shownVersion(version), version_key: version.version },
    };
  }

  /** The full package of the version `alias` points at now; a deployment token's fetch is also a deployment pull. */
  async download(id: string, alias: string, actor: RequestActor, req: Request & ActorRequest, res: Response): Promise<void> {
    const scope = req.deployment;
    if (scope !== undefined && (scope.artifactId !== id || scope.alias !== alias)) {
      throw new ClientError(403, `this deployment token reads only alias ${scope.alias} of model ${scope.artifactId}`, {}, {}, 'forbidden');
    }
    const version = await this.aliases.resolve(id, alias);
    const d = await this.downloads.resolve('model', id, version);
    const zipOptions = await this.downloads.zipOptions(d, 'full');
    await this.monitor.check(d, d.version.files, 'full', actor, zipOptions);
    await this.downloads.record(d, `alias:${alias}`, actor, req);
    // A HEAD fetches nothing: no download (record skips it) and no deployment pull.
    if (scope !== undefined && req.method !== 'HEAD') await this.aliases.recordPull(id, alias, d.version.version, req.tokenId ?? '', actor);
    if (d.warning !== null) res.setHeader(SCAN_WARNING_HEADER, d.warning.replace(/[^\x20-\x7e]/g, '?').slice(0, 500));
    res.status(200).setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${id}-${shownVersion(d.version)}.zip"`);
    res.setHeader('X-ModelGuard-Version', d.version.version);
    res.setHeader('X-ModelGuard-Alias', alias);
    // A HEAD gets these headers only: the zip is built on the fly, so its length is known only by building it.
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await guardDownloadIntegrity(req, res, this.refusals, () => streamZip(d.version.files, (sha256) => this.blobs.get(sha256), res, zipOptions));
  }
}
