import {
  type ArtifactAuditEntryV1,
  type ArtifactType,
  AUDIT_ENTRIES_DEFAULT_LIMIT,
  type AuditEntriesPageV1,
  type AuditHeadV1,
  MAX_AUDIT_ENTRIES_PER_ARTIFACT,
  type RefusalReason,
} from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@modelguard/persistence';
import { type DataSource, type FindOptionsWhere, In, MoreThan } from 'typeorm';
import { GENESIS_HASH } from './audit-chain';
import { logEntryOf } from './audit-log-entry';
import { type AuditAction, AuditEntryEntity } from './entities/audit-entry.entity';

/** The spec's ArtifactAuditEntry, as the AuditTrail query contract serves it. */
export type ArtifactAuditEntryDto = ArtifactAuditEntryV1;

/** The actions the spec's artifact audit may show (its enum); DELETE and REFUSE stay in the log only. */
const SPEC_ACTIONS: readonly ArtifactAuditEntryDto['action'][] = ['CREATE', 'UPDATE', 'DOWNLOAD', 'RATE', 'AUDIT'];

export interface AuditEntriesFilter {
  action?: AuditAction;
  reason?: RefusalReason;
  actor?: string;
  artifact?: string;
  after?: string;
  limit?: number;
}

@Injectable()
export class AuditQueryService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * The artifact's audit trail in time order. DELETE and REFUSE entries are kept in the log but not served here: the
   * spec's action enum has neither, and a deleted artifact's trail is not reachable through the API. Only entries after
   * the latest RESET count: a reset keeps the log, but the registry it describes starts over.
   */
  async forArtifact(artifactId: string): Promise<ArtifactAuditEntryDto[]> {
    const repo = this.dataSource.getRepository(AuditEntryEntity);
    const [reset] = await repo.find({ select: { id: true }, where: { action: 'RESET' }, order: { id: 'DESC' }, take: 1 });
    const rows = await repo.find({
      where: { artifactId, action: In([...SPEC_ACTIONS]), ...(reset ? { id: MoreThan(reset.id) } : {}) },
      order: { occurredAt: 'ASC', id: 'ASC' },
      take: MAX_AUDIT_ENTRIES_PER_ARTIFACT,
    });
    return rows.map((r) => ({
      // Spec actions are written from validated artifact events, so user and artifact columns are set.
      user: { name: r.userName ?? '', is_admin: r.userIsAdmin ?? false },
      date: r.occurredAt.toISOString(),
      artifact: { name: r.artifactName ?? '', id: artifactId, type: r.artifactType as ArtifactType },
      action: r.action as ArtifactAuditEntryDto['action'],
    }));
  }

  /** The security log, oldest first after the `after` cursor (keyset on id: each page is one index range scan). */
  async entries(filter: AuditEntriesFilter): Promise<AuditEntriesPageV1> {
    const limit = filter.limit ?? AUDIT_ENTRIES_DEFAULT_LIMIT;
    const where: FindOptionsWhere<AuditEntryEntity> = { id: MoreThan(filter.after ?? '0') };
    if (filter.action !== undefined) where.action = filter.action;
    if (filter.reason !== undefined) where.reason = filter.reason;
    if (filter.actor !== undefined) where.userName = filter.actor;
    if (filter.artifact !== undefined) where.artifactId = filter.artifact;
    const rows = await this.dataSource.getRepository(AuditEntryEntity).find({ where, order: { id: 'ASC' }, take: limit + 1 });
    const page = rows.slice(0, limit);
    return { entries: page.map(logEntryOf), next: rows.length > limit ? page[page.length - 1].id : null };
  }

  /** The newest entry (one index lookup): where a live follower without a resume point starts. */
  async head(): Promise<AuditHeadV1> {
    const [tail] = await this.dataSource.getRepository(AuditEntryEntity).find({ select: { id: true, hash: true }, order: { id: 'DESC' }, take: 1 });
    return { lastEntryId: tail?.id ?? null, hash: tail?.hash ?? GENESIS_HASH };
  }
}
