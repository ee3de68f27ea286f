import { leaseFromNow, leaseQueries, type LeasedJobStore, returnedRows } from '@modelguard/jobs';
import type { EntityManager } from 'typeorm';
import { tableOf } from './scoring-tables';

export interface NewRatingJob {
  artifactId: string;
  version: string;
  /** The stored-package event id: the rating is caused by it. */
  causationId: string;
  /** Carried over so the whole upload → scoring → /rate chain shares one correlation id. */
  correlationId: string;
}

export interface RatingJob extends NewRatingJob {
  id: string;
  owner: string;
  attempts: number;
}

/** The columns a claim returns: one per JobRow field. */
const RETURNED_COLUMNS = ['id', 'artifact_id', 'version', 'causation_id', 'correlation_id', 'owner', 'attempts'] as const;

interface JobRow {
  id: string;
  artifact_id: string;
  version: string;
  causation_id: string;
  correlation_id: string;
  owner: string;
  attempts: number;
}

const toJob = (row: JobRow): RatingJob => ({
  id: row.id,
  artifactId: row.artifact_id,
  version: row.version,
  causationId: row.causation_id,
  correlationId: row.correlation_id,
  owner: row.owner,
  attempts: row.attempts,
});

/**
 * All SQL about rating jobs (the same leasing protocol as the scan service's jobs). Leases use the database
 * clock (`now()`), so workers on machines with skewed clocks still agree on who owns what.
 */
export class RatingJobStore implements LeasedJobStore<EntityManager, RatingJob> {
  /** Record a job owned by `owner`; a second event for the same model version is a no-op. */
  async enqueue(manager: EntityManager, job: NewRatingJob, owner: string, leaseMs: number): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO ${tableOf(manager, 'rating_job')} (artifact_id, version, causation_id, correlation_id, owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, ${leaseFromNow(6)})
       ON CONFLICT ON CONSTRAINT rating_job_artifact_version_uq DO NOTHING
       RETURNING id`,
      [job.artifactId, job.version, job.causationId, job.correlationId, owner, leaseMs],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Ask for a version to be rated again (its lineage changed, or a parent's rating did): a finished job goes back to
   * the queue, a queued one stays queued, and a running one is taken back, so its result (computed from the old
   * parents) is discarded when it tries to finish and the job runs again with the new ones.
   */
  async requestRerating(manager: EntityManager, job: NewRatingJob, owner: string, leaseMs: number): Promise<void> {
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'rating_job')} (artifact_id, version, causation_id, correlation_id, owner, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, ${leaseFromNow(6)})
       ON CONFLICT ON CONSTRAINT rating_job_artifact_version_uq DO UPDATE
         SET status = 'pending', owner = EXCLUDED.owner, lease_expires_at = EXCLUDED.lease_expires_at, next_attempt_at = now(),
             attempts = 0, causation_id = EXCLUDED.causation_id, correlation_id = EXCLUDED.correlation_id, updated_at = now()`,
      [job.artifactId, job.version, job.causationId, job.correlationId, owner, leaseMs],
    );
  }

  /** Claim up to `limit` jobs: own pending ones first, then anyone's whose lease lapsed (see leaseQueries). */
  async claim(manager: EntityManager, owner: string, limit: number, leaseMs: number): Promise<RatingJob[]> {
    const result: unknown = await manager.query(leaseQueries.claim(tableOf(manager, 'rating_job'), RETURNED_COLUMNS), [owner, limit, leaseMs]);
    return returnedRows<JobRow>(result).map(toJob);
  }

  /** Extend the leases of this worker's queued jobs and of the running ones it is still working on. */
  async heartbeat(manager: EntityManager, owner: string, leaseMs: number, workingOn: string[]): Promise<void> {
    await manager.query(leaseQueries.heartbeat(tableOf(manager, 'rating_job')), [owner, leaseMs, workingOn]);
  }

  /**
   * Finish a job if this worker still holds it. False means the lease was lost (another worker took over,
   * or a registry reset removed it): the caller must then discard its result.
   */
  async finish(manager: EntityManager, jobId: string, owner: string, status: 'done' | 'failed', error?: string): Promise<boolean> {
    const result: unknown = await manager.query(leaseQueries.finish(tableOf(manager, 'rating_job')), [jobId, owner, status, error ?? null]);
    return returnedRows(result).length > 0;
  }

  /** Put a job back in the queue after a transient failure, keeping ownership, after `delayMs`. */
  async retryLater(manager: EntityManager, jobId: string, owner: string, error: string, delayMs: number): Promise<void> {
    await manager.query(leaseQueries.retryLater(tableOf(manager, 'rating_job')), [jobId, owner, error, delayMs]);
  }

  /** On shutdown: hand unfinished jobs over immediately instead of waiting for their lease to lapse. */
  async releaseAll(manager: EntityManager, owner: string): Promise<void> {
    await manager.query(leaseQueries.releaseAll(tableOf(manager, 'rating_job')), [owner]);
  }

  async deleteArtifact(manager: EntityManager, artifactId: string): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'rating_job')} WHERE artifact_id = $1`, [artifactId]);
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager, 'rating_job')}`);
  }
}
