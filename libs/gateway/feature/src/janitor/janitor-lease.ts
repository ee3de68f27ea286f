import { qualifiedTable } from '@modelguard/persistence';
import { leaseFromNow, returnedRows } from '@modelguard/jobs';
import type { DataSource } from 'typeorm';

/**
 * A lease on one janitor task in PostgreSQL, so exactly one gateway replica collects at a time (two collectors would
 * only waste work, but a lease also spaces runs by the interval across replicas). Leases use the database clock, so
 * replicas with skewed clocks agree; a replica that dies mid-run simply lets its lease lapse.
 */
export class JanitorLease {
  constructor(
    private readonly dataSource: DataSource,
    private readonly task: string,
  ) {}

  /**
   * Takes the lease for `leaseMs` when nobody holds it and the last run finished at least `minIntervalMs` ago.
   * True when this owner now holds it.
   */
  async acquire(owner: string, leaseMs: number, minIntervalMs: number): Promise<boolean> {
    const t = qualifiedTable(this.dataSource, 'janitor_leases');
    const rows: unknown = await this.dataSource.query(
      `INSERT INTO ${t} AS l (task, owner, lease_expires_at) VALUES ($1, $2, ${leaseFromNow(3)})
       ON CONFLICT (task) DO UPDATE SET owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at
        WHERE l.lease_expires_at < now()
          AND (l.last_finished_at IS NULL OR l.last_finished_at <= now() - $4 * interval '1 millisecond')
       RETURNING task`,
      [this.task, owner, leaseMs, minIntervalMs],
    );
    return returnedRows(rows).length === 1;
  }

  /** Extends a held lease between batches; false when it was lost (the run must stop: someone else may collect). */
  async renew(owner: string, leaseMs: number): Promise<boolean> {
    const t = qualifiedTable(this.dataSource, 'janitor_leases');
    const rows: unknown = await this.dataSource.query(
      `UPDATE ${t} SET lease_expires_at = ${leaseFromNow(3)}
        WHERE task = $1 AND owner = $2 AND lease_expires_at >= now() RETURNING task`,
      [this.task, owner, leaseMs],
    );
    return returnedRows(rows).length === 1;
  }

  /** Ends a run: frees the lease at once and records when, which starts the interval. */
  async release(owner: string, finished: boolean): Promise<void> {
    const t = qualifiedTable(this.dataSource, 'janitor_leases');
    await this.dataSource.query(
      `UPDATE ${t} SET lease_expires_at = now(), last_finished_at = CASE WHEN $3 THEN now() ELSE last_finished_at END
        WHERE task = $1 AND owner = $2`,
      [this.task, owner, finished],
    );
  }
}
