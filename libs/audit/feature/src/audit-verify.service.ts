import type { AuditVerificationV1 } from '@modelguard/contracts';
import { DATA_SOURCE } from '@modelguard/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { type DataSource, MoreThan } from 'typeorm';
import { ChainVerifier } from './audit-chain';
import { AUDIT_CHAIN_KEYS, type AuditChainKeys } from './audit-chain-keys';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';

const VERIFY_BATCH = 1_000;

@Injectable()
export class AuditVerifyService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(AUDIT_CHAIN_KEYS) private readonly keys: AuditChainKeys,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  /**
   * The verdict: the chain's, then the latest checkpoint's (what the chain alone cannot show: a cut or replaced tail).
   * Re-computes the whole chain in batches (keyset pagination: constant memory whatever the log size) and compares it
   * with the newest signed checkpoint: the checkpoint's n-th entry must exist and carry the checkpoint's head link.
   */
  async verify(): Promise<AuditVerificationV1> {
    const { checkpoint, problem: checkpointProblem } = this.checkpoints.latest();
    const cp = checkpoint === null ? null : { entries: checkpoint.entries, lastEntryId: checkpoint.lastEntryId, takenAt: checkpoint.takenAt };
    const repo = this.dataSource.getRepository(AuditEntryEntity);
    const verifier = new ChainVerifier(this.keys.byId);
    let atCheckpoint: { id: string; eventId: string; hash: string } | undefined;
    let seen = 0;
    let after = '0';
    for (;;) {
      const batch = await repo.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: VERIFY_BATCH });
      for (const row of batch) {
        if (!verifier.accept(row)) return { ...verifier.result(), checkpoint: cp };
        if (++seen === checkpoint?.entries) atCheckpoint = row;
      }
      if (batch.length < VERIFY_BATCH) break;
      after = batch[batch.length - 1].id;
    }
    const chain = verifier.result();
    if (checkpointProblem !== undefined) return { ...chain, ok: false, problem: checkpointProblem, checkpoint: cp };
    if (checkpoint === null || checkpoint.entries === 0) return { ...chain, checkpoint: cp };
    if (atCheckpoint === undefined) {
      return { ...chain, ok: false, entryId: checkpoint.lastEntryId ?? undefined, problem: `truncated: the log has ${seen} entries, the checkpoint of ${checkpoint.takenAt} covers ${checkpoint.entries}`, checkpoint: cp };
    }
    if (atCheckpoint.hash !== checkpoint.head || atCheckpoint.id !== checkpoint.lastEntryId) {
      return { ...chain, ok: false, brokenAt: atCheckpoint.eventId, entryId: atCheckpoint.id, problem: `rewritten: entry ${checkpoint.entries} does not carry the head link of the checkpoint of ${checkpoint.takenAt}`, checkpoint: cp };
    }
    return { ...chain, checkpoint: cp };
  }
}
