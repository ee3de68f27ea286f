import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type DataSource, type EntityManager, IsNull, MoreThan, Not } from 'typeorm';
import { chainLink, GENESIS_HASH, legacyChainHash } from './audit-chain';
import { AUDIT_CHAIN_KEYS, type AuditChainKeys } from './audit-chain-keys';
import { CHAIN_LOCK } from './audit-recorder.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';

const BATCH = 1_000;

/**
 * One-time switch from the unkeyed SHA-256 chain to the keyed one, at start-up (a migration cannot hold the key).
 * Only a log that was never keyed and whose old chain is intact is re-linked; anything else is left as it is, so
 * verification reports the unkeyed rows instead of this step laundering a tampered log into a valid one.
 */
@Injectable()
export class AuditRelink implements OnModuleInit {
  private readonly logger: Logger;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(AUDIT_CHAIN_KEYS) private readonly keys: AuditChainKeys,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'AuditRelink' });
  }

  async onModuleInit(): Promise<void> {
    const outcome = await this.dataSource.transaction((m) => this.relink(m));
    if (outcome === 'relinked') this.logger.info(`audit log re-linked under chain key ${this.keys.current.keyId}`);
    if (outcome === 'refused') this.logger.error('audit log has unkeyed entries that cannot be re-linked (keyed entries exist or the old chain is broken); GET /audit/verify names them');
  }

  /** 'none' (nothing unkeyed), 'relinked', or 'refused' (left for verification to report). */
  async relink(m: EntityManager): Promise<'none' | 'relinked' | 'refused'> {
    await m.query(CHAIN_LOCK);
    const repo = m.getRepository(AuditEntryEntity);
    if ((await repo.count({ where: { keyId: IsNull() }, take: 1 })) === 0) return 'none';
    if ((await repo.count({ where: { keyId: Not(IsNull()) }, take: 1 })) > 0) return 'refused';
    if (!(await this.legacyChainIntact(m))) return 'refused';
    const key = this.keys.current;
    let prev = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const batch = await repo.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: BATCH });
      for (const row of batch) {
        const hash = chainLink(key, prev, row);
        await repo.update({ id: row.id }, { keyId: key.keyId, prevHash: prev, hash });
        prev = hash;
      }
      if (batch.length < BATCH) return 'relinked';
      after = batch[batch.length - 1].id;
    }
  }

  private async legacyChainIntact(m: EntityManager): Promise<boolean> {
    const repo = m.getRepository(AuditEntryEntity);
    let prev = GENESIS_HASH;
    let after = '0';
    for (;;) {
      const batch = await repo.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: BATCH });
      for (const row of batch) {
        if (row.prevHash !== prev || legacyChainHash(row.prevHash, row) !== row.hash) return false;
        prev = row.hash;
      }
      if (batch.length < BATCH) return true;
      after = batch[batch.length - 1].id;
    }
  }
}
