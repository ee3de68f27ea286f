import { qualifiedTable } from '@modelguard/persistence';
import { Topic } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';

/** GET /scanner-policy: the allow-list and the version scans report when they applied it. */
export interface ScannerPolicyView {
  version: number;
  allowed_imports: string[];
  updated_by: string | null;
  updated_at: string | null;
}

interface PolicyRow {
  version: number;
  allowed_imports: string[];
  updated_by: string | null;
  updated_at: Date;
}

/**
 * The registry admin's scanner policy (issue 16): pickle imports the scanner does not know that an admin reviewed
 * and allows. A change bumps the version, publishes registry.scanner-policy-changed.v1 with the whole list through
 * the outbox and audits SCANNER_POLICY_SET, all in one transaction: the scan service sees exactly the committed
 * policies, in version order.
 */
@Injectable()
export class ScannerPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    private readonly security: SecurityEvents,
  ) {}

  async get(): Promise<ScannerPolicyView> {
    const rows = (await this.dataSource.query(`SELECT * FROM ${this.table()} WHERE id = 1`)) as PolicyRow[];
    return viewOf(rows[0]);
  }

  /** Replaces the allow-list (already validated). The same list again changes nothing and publishes nothing. */
  async setAllowedImports(admin: RequestActor, allowed: readonly string[]): Promise<ScannerPolicyView> {
    return this.dataSource.transaction(async (m) => {
      const current = await this.lockRow(m);
      const before = new Set(current.allowed_imports);
      const added = allowed.filter((e) => !before.has(e));
      const removed = current.allowed_imports.filter((e) => !allowed.includes(e));
      if (added.length === 0 && removed.length === 0) return viewOf(current);
      const version = current.version + 1;
      const changedAt = new Date(this.clock.now());
      await m.query(`UPDATE ${this.table()} SET version = $1, allowed_imports = $2::jsonb, updated_by = $3, updated_at = $4 WHERE id = 1`, [
        version, JSON.stringify(allowed), admin.name, changedAt,
      ]);
      await this.outbox.enqueue(
        m,
        Topic.ScannerPolicyChanged,
        { version, allowedImports: [...allowed], actor: { name: admin.name, isAdmin: admin.isAdmin }, changedAt: changedAt.toISOString() },
        // One key: every version goes to one partition, so consumers see them in order.
        { key: 'scanner-policy' },
      );
      await this.security.publish(m, admin, 'SCANNER_POLICY_SET', 'scanner-policy', describeChange(version, allowed.length, added, removed));
      return viewOf({ version, allowed_imports: [...allowed], updated_by: admin.name, updated_at: changedAt });
    });
  }

  private async lockRow(m: EntityManager): Promise<PolicyRow> {
    await m.query(`INSERT INTO ${this.table()} (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
    const rows = (await m.query(`SELECT * FROM ${this.table()} WHERE id = 1 FOR UPDATE`)) as PolicyRow[];
    return rows[0];
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'scanner_policy');
  }
}

function viewOf(row: PolicyRow | undefined): ScannerPolicyView {
  if (row === undefined) return { version: 0, allowed_imports: [], updated_by: null, updated_at: null };
  return { version: row.version, allowed_imports: row.allowed_imports, updated_by: row.updated_by, updated_at: new Date(row.updated_at).toISOString() };
}

/** The audit detail is bounded (SECURITY_DETAIL_MAX): the version, the size, and as many changed names as fit. */
function describeChange(version: number, size: number, added: string[], removed: string[]): string {
  return `version=${version} imports=${size} added=${added.join(',') || '-'} removed=${removed.join(',') || '-'}`;
}
