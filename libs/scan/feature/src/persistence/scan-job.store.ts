import type { ArtifactType, ManifestEntry } from '@modelguard/contracts';
import { leaseFromNow, type LeasedJobStore, returnedRows } from '@modelguard/jobs';
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
}

export interface ScanJobStatus {
  status: 'pending' | 'running' | 'done' | 'failed';
  version: string;
  lastError: string | null;
}

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

  /**
   * Claim up to `limit` jobs: this worker's own pending jobs first (so work follows the Kafka partitions
   * the worker was assigned), then anyone's job whose lease expired (its worker died). SKIP LOCKED lets
   * concurrent claimers pass each other instead of queueing on the same rows.
   */
  async claim(manager: EntityManager, owner: string, limit: number, leaseMs: number): Promise<ScanJob[]> {
    const table = tableOf(manager, 'scan_job');
    const result: unknown = await manager.query(
      `WITH candidate AS (
         SELECT id FROM ${table}
          WHERE status IN ('pending', 'running')
            AND next_attempt_at <= now()
            AND ((owner = $1 AND status = 'pending') OR lease_expires_at < now())
          ORDER BY (owner = $1) DESC, created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE ${table} AS job
          SET status = 'running', owner = $1, attempts = job.attempts + 1,
              lease_expires_at = ${leaseFromNow(3)}, updated_at = now()
         FROM candidate WHERE job.id = candidate.id
       RETURNING job.id, job.artifact_id, job.artifact_type, job.name, job.version, job.files,
                 job.causation_id, job.correlation_id, job.owner, job.attempts`,
      [owner, limit, leaseMs],
    );
    return returnedRows<JobRow>(result).map(toJob);
  }

  /**
   * Extend the leases this worker still stands behind: its queued jobs (it is alive and will claim them) and
   * the running jobs it is actually working on. A running job whose processing died in a way nobody recorded
   * is left out, so its lease lapses and it is claimed again instead of staying stuck forever.
   */
  async heartbeat(manager: EntityManager, owner: string, leaseMs: number, workingOn: string[]): Promise<void> {
    await manager.query(
      `UPDATE ${tableOf(manager, 'scan_job')}
          SET lease_expires_at = ${leaseFromNow(2)}
        WHERE owner = $1 AND (status = 'pending' OR (status = 'running' AND id = ANY($3::uuid[])))`,
      [owner, leaseMs, workingOn],
    );
  }

  /**
   * Finish a job if this worker still holds it. False means the lease was lost (another worker took over,
   * or a registry reset removed it): the caller must then discard its result.
   */
  async finish(manager: EntityManager, jobId: string, owner: string, status: 'done' | 'failed', error?: string): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE ${tableOf(manager, 'scan_job')}
          SET status = $3, last_error = COALESCE($4, last_error), updated_at = now()
        WHERE id = $1 AND owner = $2 AND status = 'running'
       RETURNING id`,
      [jobId, owner, status, error ?? null],
    );
    return returnedRows(result).length > 0;
  }

  /** Put a job back in the queue after a transient failure, keeping ownership, after `delayMs`. */
  async retryLater(manager: EntityManager, jobId: string, owner: string, error: string, delayMs: number): Promise<void> {
    await manager.query(
      `UPDATE ${tableOf(manager, 'scan_job')}
          SET status = 'pending', last_error = $3, updated_at = now(),
              next_attempt_at = now() + $4 * interval '1 millisecond'
        WHERE id = $1 AND owner = $2 AND status = 'running'`,
      [jobId, owner, error, delayMs],
    );
  }

  /** On shutdown: hand unfinished jobs over immediately instead of waiting for their lease to lapse. */
  async releaseAll(manager: EntityManager, owner: string): Promise<void> {
    await manager.query(
      `UPDATE ${tableOf(manager, 'scan_job')}
          SET status = 'pending', lease_expires_at = now(), updated_at = now()
        WHERE owner = $1 AND status IN ('pending', 'running')`,
      [owner],
    );
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

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'scan_job')}`);
  }
}
