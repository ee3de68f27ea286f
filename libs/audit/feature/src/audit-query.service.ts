import { type ArtifactAuditEntryV1, type ArtifactType, MAX_AUDIT_ENTRIES_PER_ARTIFACT } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@modelguard/persistence';
import { type DataSource, MoreThan } from 'typeorm';
import { type ChainVerification, ChainVerifier } from './audit-chain';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** The spec's ArtifactAuditEntry, as the AuditTrail query contract serves it. */
export type ArtifactAuditEntryDto = ArtifactAuditEntryV1;

const VERIFY_BATCH = 1_000;

@Injectable()
export class AuditQueryService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * The artifact's audit trail in time order. DELETE entries are kept in the log but not served: the
   * spec's action enum has no DELETE, and a deleted artifact's trail is not reachable through the API.
   */
  async forArtifact(artifactId: string): Promise<ArtifactAuditEntryDto[]> {
    const rows = await this.dataSource.getRepository(AuditEntryEntity).find({
      where: { artifactId },
      order: { occurredAt: 'ASC', id: 'ASC' },
      take: MAX_AUDIT_ENTRIES_PER_ARTIFACT,
    });
    return rows
      .filter((r): r is AuditEntryEntity & { action: ArtifactAuditEntryDto['action'] } => r.action !== 'DELETE')
      .map((r) => ({
        user: { name: r.userName, is_admin: r.userIsAdmin },
        date: r.occurredAt.toISOString(),
        // Written from validated events, so the type is one of the contract's.
        artifact: { name: r.artifactName, id: r.artifactId, type: r.artifactType as ArtifactType },
        action: r.action,
      }));
  }

  /** Re-computes the whole chain in batches (keyset pagination: constant memory whatever the log size). */
  async verify(): Promise<ChainVerification> {
    const repo = this.dataSource.getRepository(AuditEntryEntity);
    const verifier = new ChainVerifier();
    let after = '0';
    for (;;) {
      const batch = await repo.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: VERIFY_BATCH });
      for (const row of batch) {
        if (!verifier.accept(row)) return verifier.result();
      }
      if (batch.length < VERIFY_BATCH) return verifier.result();
      after = batch[batch.length - 1].id;
    }
  }
}
