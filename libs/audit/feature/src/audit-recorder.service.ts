import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chainHash, type ChainedFields, GENESIS_HASH } from './audit-chain';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** Serialises appends across replicas: the chain has exactly one tail. Held until the transaction ends. */
const CHAIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('modelguard:audit-chain'))`;

/** Appends entries to the hash-chained audit log inside the caller's (the event handler's) transaction. */
@Injectable()
export class AuditRecorder {
  async append(manager: EntityManager, fields: ChainedFields): Promise<void> {
    await manager.query(CHAIN_LOCK);
    const repo = manager.getRepository(AuditEntryEntity);
    const [tail] = await repo.find({ select: { hash: true }, order: { id: 'DESC' }, take: 1 });
    const prevHash = tail?.hash ?? GENESIS_HASH;
    // ON CONFLICT: the inbox already dedupes per consumer; this guards against a second consumer id
    // (e.g. a renamed handler) re-recording an event.
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...fields, prevHash, hash: chainHash(prevHash, fields) })
      .orIgnore()
      .execute();
  }

  /** Registry reset: the log restarts empty (a new chain from the genesis hash). */
  async clear(manager: EntityManager): Promise<void> {
    await manager.query(CHAIN_LOCK);
    await manager.getRepository(AuditEntryEntity).createQueryBuilder().delete().execute();
  }
}
