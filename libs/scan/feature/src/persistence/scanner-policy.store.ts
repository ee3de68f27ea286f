import type { EntityManager } from 'typeorm';
import { DEFAULT_SCANNER_POLICY, type ScannerPolicy } from '../domain/scanner-policy';
import { tableOf } from './scan-tables';

export interface ReceivedPolicy extends ScannerPolicy {
  changedBy: string;
  changedAt: string;
}

/** The one row of the scanner policy this service applies (see scanner-policy.migration.ts). */
export class ScannerPolicyStore {
  async current(manager: EntityManager): Promise<ScannerPolicy> {
    const rows = (await manager.query(`SELECT version, allowed_imports FROM ${tableOf(manager, 'scanner_policy')} WHERE id = 1`)) as {
      version: number;
      allowed_imports: string[];
    }[];
    const row = rows[0];
    return row === undefined ? DEFAULT_SCANNER_POLICY : { version: row.version, allowedImports: row.allowed_imports };
  }

  /** Stores the policy when it is newer than the stored one; false for an older or equal version (redelivery). */
  async apply(manager: EntityManager, policy: ReceivedPolicy): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO ${tableOf(manager, 'scanner_policy')} AS p (id, version, allowed_imports, changed_by, changed_at)
       VALUES (1, $1, $2::jsonb, $3, $4)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, allowed_imports = EXCLUDED.allowed_imports,
         changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at, received_at = now()
       WHERE p.version < EXCLUDED.version
       RETURNING version`,
      [policy.version, JSON.stringify(policy.allowedImports), policy.changedBy, policy.changedAt],
    )) as unknown[];
    return rows.length > 0;
  }
}
