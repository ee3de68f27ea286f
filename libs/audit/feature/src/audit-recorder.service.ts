import { AUDIT_ENTRY_APPENDED_KEY, Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chainLink, type ChainedFields, GENESIS_HASH } from './audit-chain';
import { AUDIT_CHAIN_KEYS, type AuditChainKeys } from './audit-chain-keys';
import { logEntryOf } from './audit-log-entry';
import { AuditEntryEntity } from './entities/audit-entry.entity';

/** Serialises appends across replicas: the chain has exactly one tail. Held until the transaction ends. */
export const CHAIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('modelguard:audit-chain'))`;

/**
 * Appends entries to the keyed audit chain inside the caller's (the event handler's) transaction, and announces each
 * one on audit.entry-appended.v1 through the outbox in that same transaction: an entry and its event exist together
 * or not at all.
 */
@Injectable()
export class AuditRecorder {
  constructor(
    @Inject(AUDIT_CHAIN_KEYS) private readonly keys: AuditChainKeys,
    private readonly outbox: Outbox,
  ) {}

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
    const row = { ...fields, keyId: key.keyId, prevHash, hash: chainLink(key, prevHash, fields) };
    // ON CONFLICT: the inbox already dedupes per consumer; this guards against a second consumer id
    // (e.g. a renamed handler) re-recording an event.
    const result = await repo.createQueryBuilder().insert().values(row).orIgnore().returning(['id']).execute();
    const inserted = (result.raw as { id: string | number }[])[0];
    // Nothing inserted (a duplicate event): nothing new to announce either, so the topic carries each entry once.
    if (inserted === undefined) return;
    await this.outbox.enqueue(manager, Topic.AuditEntryAppended, logEntryOf(entityOf(String(inserted.id), row)), { key: AUDIT_ENTRY_APPENDED_KEY });
  }
}

/** The stored row, rebuilt from what was inserted (no read-back: the values are exactly those just written). */
function entityOf(id: string, row: ChainedFields & { keyId: string; prevHash: string; hash: string }): AuditEntryEntity {
  return {
    id,
    eventId: row.eventId,
    artifactId: row.artifactId,
    artifactType: row.artifactType,
    artifactName: row.artifactName,
    action: row.action,
    userName: row.userName,
    userIsAdmin: row.userIsAdmin,
    occurredAt: row.occurredAt,
    status: row.status ?? null,
    reason: row.reason ?? null,
    httpMethod: row.httpMethod ?? null,
    route: row.route ?? null,
    clientAddress: row.clientAddress ?? null,
    message: row.message ?? null,
    suppressed: row.suppressed ?? null,
    overrideReason: row.overrideReason ?? null,
    overriddenVerdict: row.overriddenVerdict ?? null,
    subject: row.subject ?? null,
    detail: row.detail ?? null,
    keyId: row.keyId,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
