import { Topic, type ArtifactType } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { parseVersionQuery, shownVersion, versionMatches } from '../domain/version-query';
import { ArtifactVersionEntity, type IngestState, type ScanState } from '../persistence/artifact-version.entity';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { findVersion } from './version-lookup';

export interface VersionView {
  /** What users call it: the source's release label when there is one, else the key. Queries match this. */
  version: string;
  /** The registry's key for the version (events, audit, scan reports, X-ModelGuard-Version). */
  version_key: string;
  /** The release the source names (a Hugging Face tag), or null. */
  version_label: string | null;
  url: string;
  source: string | null;
  ingest_state: IngestState;
  scan_state: ScanState;
  scan_reason: string | null;
  override_by: string | null;
  /** The ingest gate for Hugging Face models: pending, passed or rejected (null when it does not apply). */
  rating_state: string | null;
  rating_reason: string | null;
  total_bytes: number;
  file_count: number;
  created_at: string;
}

/** Version listing/queries and the audited admin override of the download gate. */
@Injectable()
export class VersionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
  ) {}

  async list(type: ArtifactType, id: string, rawQuery: unknown): Promise<VersionView[]> {
    const range = rawQuery === undefined || rawQuery === '' ? null : parseVersionQuery(rawQuery);
    await this.artifacts.require(this.dataSource.manager, type, id);
    const rows = await this.dataSource.getRepository(ArtifactVersionEntity).find({ where: { artifactId: id }, order: { ordinal: 'ASC' } });
    return rows.filter((v) => range === null || versionMatches(shownVersion(v), range)).map(viewOf);
  }

  /** Releases a blocked (or flagged) version for download; recorded as ArtifactUpdated so the audit trail shows it. */
  async override(type: ArtifactType, id: string, version: string, body: unknown, actor: RequestActor): Promise<VersionView> {
    const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 1000) {
      throw new ClientError(400, 'body must be {"reason": string} (1 to 1000 characters)');
    }
    return this.dataSource.transaction(async (m) => {
      const artifact = await this.artifacts.require(m, type, id, true);
      const repo = m.getRepository(ArtifactVersionEntity);
      const v = await findVersion(m, id, version);
      if (v === null) throw new ClientError(404, `${artifact.name} has no version ${version}`);
      if (v.scanState !== 'blocked' && v.scanState !== 'flagged') {
        throw new ClientError(409, `version ${version} is ${v.scanState}; only blocked or flagged versions can be overridden`);
      }
      await repo.update({ artifactId: id, version: v.version }, { overrideBy: actor.name, overrideReason: reason.trim() });
      await this.outbox.enqueue(
        m,
        Topic.ArtifactUpdated,
        {
          artifactId: id,
          artifactType: type,
          name: artifact.name,
          url: v.url,
          version: v.version,
          actor: { name: actor.name, isAdmin: actor.isAdmin },
          // Who (actor), why and what verdict they set aside: all three reach the audit chain.
          override: { reason: reason.trim(), overridden: v.scanState },
        },
        { key: id },
      );
      return viewOf({ ...v, overrideBy: actor.name, overrideReason: reason.trim() });
    });
  }
}

function viewOf(v: ArtifactVersionEntity): VersionView {
  return {
    version: shownVersion(v),
    version_key: v.version,
    version_label: v.versionLabel,
    url: v.url,
    source: v.source,
    ingest_state: v.ingestState,
    scan_state: v.scanState,
    scan_reason: v.scanReason,
    override_by: v.overrideBy,
    rating_state: v.ratingState,
    rating_reason: v.ratingReason,
    total_bytes: Number(v.totalBytes),
    file_count: v.files.length,
    created_at: v.createdAt.toISOString(),
  };
}
