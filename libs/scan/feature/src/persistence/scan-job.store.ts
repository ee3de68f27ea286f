import type { ArtifactType, ManifestEntry } from '@modelguard/contracts';
import { leaseFromNow, leaseQueries, type LeasedJobStore, returnedRows } from '@modelguard/jobs';
import type { EntityManager } from 'typeorm';
import { tableOf } from './scan-tables';

export interface NewScanJob {
  artifactId: string;
  artifactType: ArtifactType;
  name: string;
  version: string;
  files: ManifestEntry[];
  /** The PackageStored event id: the results are caused by it. */
  causationId: string;
  /** Carried over so the whole upload → scan → gate chain shares one correlation id. */
  correlationId: string;
}

export interface ScanJob extends NewScanJob {
  id: string;
  owner: string;
  attempts: number;
  /** Set when this claim took the job over from another worker (its lease lapsed, or it handed over on shutdown). */
  takenOverFrom?: string;
}

export interface ScanJobStatus {
  status: 'pending' | 'running' | 'done' | 'failed';
  version: string;
  lastError: string | null;
}

/** The columns a claim returns: one per JobRow field. */
const RETURNED_COLUMNS = ['id', 'artifact_id', 'artifact_type', 'name', 'version', 'files', 'causation_id', 'correlation_id', 'owner', 'attempts'] as const;

interface JobRow {
  id: string;
  artifact_id: string;
  artifact_type: ArtifactType;
  name: string;
  version: string;
  files: ManifestEntry[];
  causation_id: string;
  correlation_id: string;
  owner: string;
  attempts: number;
  taken_over_from: string | null;
}

const toJob = (row: JobRow): ScanJob => ({
  id: row.id,
  artifactId: row.artifact_id,
  artifactType: row.artifact_type,
  name: row.name,
  version: row.version,
  files: row.files,
  causationId: row.causation_id,
  correlationId: row.correlation_id,
  owner: row.owner,
  attempts: row.attempts,
  ...(row.taken_over_from ? { takenOverFrom: row.taken_over_from } : {}),
});

/**
 * All SQL about scan jobs. Leases are computed with the database clock (`now()`), so workers on machines
 * with skewed clocks still agree on who owns what.
 */
export class ScanJobStore implements LeasedJobStore<EntityManager, ScanJob> {
  /** Record a job owned by `owner`; a second PackageStored for the same artifact+version is a no-op. */
  async enqueue(manager: EntityManager, job: NewScanJob, owner: string, leaseMs: number): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO ${tableOf(manager, 'scan_job')}
         (artifact_id, artifact_type, name, version, files, causation_id, correlation_id, owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, ${leaseFromNow(9)})
       ON CONFLICT ON CONSTRAINT scan_job_artifact_version_uq DO NOTHING
       RETURNING id`,
      [job.artifactId, job.artifactType, job.name, job.version, JSON.stringify(job.files), job.causationId, job.correlationId, owner, leaseMs],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Claim up to `limit` jobs: own pending ones first, then anyone's whose lease lapsed (see leaseQueries). */
  async claim(manager: EntityManager, owner: string, limit: number, leaseMs: number): Promise<ScanJob[]> {
    const result: unknown = await manager.query(leaseQueries.claim(tableOf(manager, 'scan_job'), RETURNED_COLUMNS), [owner, limit, leaseMs]);
    return returnedRows<JobRow>(result).map(toJob);
  }

  /** Extend the leases of this worker's queued jobs and of the running ones it is still working on. */
  async heartbeat(manager: EntityManager, owner: string, leaseMs: number, workingOn: string[]): Promise<void> {
    await manager.query(leaseQueries.heartbeat(tableOf(manager, 'scan_job')), [owner, leaseMs, workingOn]);
  }

  /**
   * Finish a job if this worker still holds it. False means the lease was lost (another worker took over,
   * or a registry reset removed it): the caller must then discard its result.
   */
  async finish(manager: EntityManager, jobId: string, owner: string, status: 'done' | 'failed', error?: string): Promise<boolean> {
    const result: unknown = await manager.query(leaseQueries.finish(tableOf(manager, 'scan_job')), [jobId, owner, status, error ?? null]);
    return returnedRows(result).length > 0;
  }

  /** Put a job back in the queue after a transient failure, keeping ownership, after `delayMs`. */
  async retryLater(manager: EntityManager, jobId: string, owner: string, error: string, delayMs: number): Promise<void> {
    await manager.query(leaseQueries.retryLater(tableOf(manager, 'scan_job')), [jobId, owner, error, delayMs]);
  }

  /** On shutdown: hand unfinished jobs over immediately instead of waiting for their lease to lapse. */
  async releaseAll(manager: EntityManager, owner: string): Promise<void> {
    await manager.query(leaseQueries.releaseAll(tableOf(manager, 'scan_job')), [owner]);
  }

  async status(manager: EntityManager, artifactId: string, version?: string): Promise<ScanJobStatus | null> {
    const rows = (await manager.query(
      `SELECT status, version, last_error AS "lastError" FROM ${tableOf(manager, 'scan_job')}
        WHERE artifact_id = $1 AND ($2::text IS NULL OR version = $2)
        ORDER BY created_at DESC LIMIT 1`,
      [artifactId, version ?? null],
    )) as ScanJobStatus[];
    return rows[0] ?? null;
  }

  /** Jobs waiting for a worker and jobs being scanned, across all workers (the queue depth metric). */
  async countOpen(manager: EntityManager): Promise<{ pending: number; running: number }> {
    const rows = (await manager.query(
      `SELECT status, count(*)::int AS n FROM ${tableOf(manager, 'scan_job')} WHERE status IN ('pending', 'running') GROUP BY status`,
    )) as Array<{ status: 'pending' | 'running'; n: number }>;
    return { pending: rows.find((r) => r.status === 'pending')?.n ?? 0, running: rows.find((r) => r.status === 'running')?.n ?? 0 };
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'scan_job')}`);
  }
}
