import { leaseFromNow, leaseQueries, type LeasedJobStore, returnedRows } from '@modelguard/jobs';
import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';

/** One claimed request to seal every blob of a sensitive model. */
export interface SealJob {
  id: string;
  artifactId: string;
  /** The request count when claimed: a later request while this pass runs makes it run again (see finish). */
  generation: number;
  owner: string;
  attempts: number;
  /** The worker that held the job before this claim (its lease lapsed, or it handed the job over), else null. */
  takenOverFrom: string | null;
}

/** What one finish attempt came to: done, queued again (a newer request arrived meanwhile), or no longer ours. */
export type SealFinish = 'done' | 'again' | 'lost';

const RETURNED_COLUMNS = ['id', 'artifact_id', 'generation', 'owner', 'attempts'] as const;

interface JobRow {
  id: string;
  artifact_id: string;
  generation: number;
  owner: string;
  attempts: number;
  taken_over_from: string | null;
}

const toJob = (row: JobRow): SealJob => ({
  id: row.id,
  artifactId: row.artifact_id,
  generation: row.generation,
  owner: row.owner,
  attempts: row.attempts,
  takenOverFrom: row.taken_over_from,
});

const table = (m: EntityManager): string => qualifiedTable(m, 'seal_jobs');

/**
 * All SQL about seal jobs: the shared leasing protocol (leaseQueries) over the gateway's `seal_jobs` table, plus the
 * per-artifact request semantics (one row per artifact, `generation` counting requests).
 */
export class SealJobStore implements LeasedJobStore<EntityManager, SealJob> {
  /**
   * Requests a sealing pass over `artifactId`, in the caller's (inbox) transaction, owned by `owner`. True when this
   * added work: a new job, a finished one queued again, or a running one told to run again (its pass may have read
   * the versions before the one that caused this request). A job already queued is left alone: it reads every
   * version when it runs. An artifact deleted meanwhile gets no job (the row would go with it anyway).
   */
  async request(m: EntityManager, artifactId: string, owner: string, leaseMs: number): Promise<boolean> {
    const t = table(m);
    const rows: unknown[] = await m.query(
      `INSERT INTO ${t} AS job (artifact_id, owner, lease_expires_at)
       SELECT id, $2, ${leaseFromNow(3)} FROM ${qualifiedTable(m, 'artifacts')} WHERE id = $1
       ON CONFLICT ON CONSTRAINT seal_jobs_artifact_uq DO UPDATE
         SET generation = job.generation + 1,
             status = CASE WHEN job.status = 'running' THEN 'running' ELSE 'pending' END,
             owner = CASE WHEN job.status = 'running' THEN job.owner ELSE EXCLUDED.owner END,
             lease_expires_at = CASE WHEN job.status = 'running' THEN job.lease_expires_at ELSE EXCLUDED.lease_expires_at END,
             attempts = CASE WHEN job.status = 'running' THEN job.attempts ELSE 0 END,
             next_attempt_at = now(), updated_at = now()
         WHERE job.status <> 'pending'
       RETURNING job.id`,
      [artifactId, owner, leaseMs],
    );
    return rows.length > 0;
  }

  /** Claim up to `limit` jobs: own queued ones and anyone's whose lease lapsed (see leaseQueries.claim). */
  async claim(m: EntityManager, owner: string, limit: number, leaseMs: number): Promise<SealJob[]> {
    const result: unknown = await m.query(leaseQueries.claim(table(m), RETURNED_COLUMNS), [owner, limit, leaseMs]);
    return returnedRows<JobRow>(result).map(toJob);
  }

  async heartbeat(m: EntityManager, owner: string, leaseMs: number, workingOn: string[]): Promise<void> {
    await m.query(leaseQueries.heartbeat(table(m)), [owner, leaseMs, workingOn]);
  }

  /**
   * Ends a pass of `owner` over claimed `job`: done, unless a request came in while it ran (generation moved on), in
   * which case the job is queued again for its owner at once. 'lost' when the job is no longer this worker's.
   */
  async finish(m: EntityManager, job: SealJob, owner: string): Promise<SealFinish> {
    const result: unknown = await m.query(
      `UPDATE ${table(m)}
          SET status = CASE WHEN generation = $3 THEN 'done' ELSE 'pending' END,
              attempts = CASE WHEN generation = $3 THEN attempts ELSE 0 END,
              last_error = NULL, next_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND owner = $2 AND status = 'running'
       RETURNING status`,
      [job.id, owner, job.generation],
    );
    const row = returnedRows<{ status: string }>(result)[0];
    if (row === undefined) return 'lost';
    return row.status === 'done' ? 'done' : 'again';
  }

  /** Gives a job up after its last attempt (the error stays on the row). False when it was no longer ours. */
  async fail(m: EntityManager, jobId: string, owner: string, error: string): Promise<boolean> {
    const result: unknown = await m.query(leaseQueries.finish(table(m)), [jobId, owner, 'failed', error]);
    return returnedRows(result).length > 0;
  }

  /** Back to the queue after a transient failure, keeping ownership, not to be claimed for `delayMs`. */
  async retryLater(m: EntityManager, jobId: string, owner: string, error: string, delayMs: number): Promise<void> {
    await m.query(leaseQueries.retryLater(table(m)), [jobId, owner, error, delayMs]);
  }

  async releaseAll(m: EntityManager, owner: string): Promise<void> {
    await m.query(leaseQueries.releaseAll(table(m)), [owner]);
  }
}
