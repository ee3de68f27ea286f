import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chainLink, type ChainedFields, GENESIS_HASH } from './audit-chain';
import { AUDIT_CHAIN_KEYS, type AuditChainKeys } from './audit-chain-keys';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** Serialises appends across replicas: the chain has exactly one tail. Held until the transaction ends. */
export const CHAIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('modelguard:audit-chain'))`;

/** Appends entries to the keyed audit chain inside the caller's (the event handler's) transaction. */
@Injectable()
export class AuditRecorder {
  constructor(@Inject(AUDIT_CHAIN_KEYS) private readonly keys: AuditChainKeys) {}

  /**
   * Appends one entry. A registry reset is appended too (action RESET): the log is never erased, so a reset cannot be
   * used to wipe the evidence of what came before it.
   */
  async append(manager: EntityManager, fields: ChainedFields): Promise<void> {
    await manager.query(CHAIN_LOCK);
    const repo = manager.getRepository(AuditEntryEntity);
    const [tail] = await repo.find({ select: { hash: true }, order: { id: 'DESC' }, take: 1 });
    const prevHash = tail?.hash ?? GENESIS_HASH;
    const key = this.keys.current;
    // ON CONFLICT: the inbox already dedupes per consumer; this guards against a second consumer id
    // (e.g. a renamed handler) re-recording an event.
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...fields, keyId: key.keyId, prevHash, hash: chainLink(key, prevHash, fields) })
      .orIgnore()
      .execute();
  }
}
