import { leaseFromNow } from './job-sql';

/**
 * The leasing protocol's SQL for a job table keyed by a uuid `id` with the standard columns (`status`,
 * `owner`, `attempts`, `lease_expires_at`, `next_attempt_at`, `last_error`, `created_at`, `updated_at`), so
 * every service that queues work this way shares one tested set of statements instead of its own copy.
 * `table` is the schema-qualified name (raw SQL must qualify it: TypeORM does not set search_path).
 * Leases use the database clock (`now()`), so workers on machines with skewed clocks agree on who owns what.
 */
export const leaseQueries = {
  /**
   * Claims up to $2 jobs for owner $1 with lease $3 ms: the owner's own pending jobs (work follows the Kafka
   * partitions the worker holds) and anyone's job whose lease lapsed (its worker died), oldest first. Not own jobs
   * first: a busy survivor would then finish its whole backlog before a dead worker's in-flight jobs (measured in
   * the worker-kill resilience scenario: 40 s instead of ~13 s to take them over). SKIP LOCKED
   * lets concurrent claimers pass each other instead of queueing on the same rows. Besides `returning`, every row
   * carries `taken_over_from`: the previous owner when the job was someone else's (a takeover to log), else null.
   */
  claim(table: string, returning: readonly string[]): string {
    return `WITH candidate AS (
         SELECT id, owner AS previous_owner FROM ${table}
          WHERE status IN ('pending', 'running')
            AND next_attempt_at <= now()
            AND ((owner = $1 AND status = 'pending') OR lease_expires_at < now())
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE ${table} AS job
          SET status = 'running', owner = $1, attempts = job.attempts + 1,
              lease_expires_at = ${leaseFromNow(3)}, updated_at = now()
         FROM candidate WHERE job.id = candidate.id
       RETURNING ${returning.map((column) => `job.${column}`).join(', ')}, NULLIF(candidate.previous_owner, $1) AS taken_over_from`;
  },

  /**
   * Owner $1 extends by $2 ms the leases it still stands behind: its queued jobs and the running ones in $3
   * (uuid[]). A running job whose processing died unrecorded is left out, so its lease lapses and it is claimed
   * again instead of staying stuck.
   */
  heartbeat(table: string): string {
    return `UPDATE ${table}
          SET lease_expires_at = ${leaseFromNow(2)}
        WHERE owner = $1 AND (status = 'pending' OR (status = 'running' AND id = ANY($3::uuid[])))`;
  },

  /**
   * Job $1 held by $2 gets status $3 and error $4 (or keeps its last one). Returns the id only if the worker still
   * held it: no row means the lease was lost and the result must be discarded.
   */
  finish(table: string): string {
    return `UPDATE ${table}
          SET status = $3, last_error = COALESCE($4, last_error), updated_at = now()
        WHERE id = $1 AND owner = $2 AND status = 'running'
       RETURNING id`;
  },

  /** Job $1 held by $2 goes back to the queue with error $3, not to be claimed for $4 ms (transient failure). */
  retryLater(table: string): string {
    return `UPDATE ${table}
          SET status = 'pending', last_error = $3, updated_at = now(),
              next_attempt_at = now() + $4 * interval '1 millisecond'
        WHERE id = $1 AND owner = $2 AND status = 'running'`;
  },

  /** On shutdown, owner $1 hands its unfinished jobs over at once instead of waiting for their leases to lapse. */
  releaseAll(table: string): string {
    return `UPDATE ${table}
          SET status = 'pending', lease_expires_at = now(), updated_at = now()
        WHERE owner = $1 AND status IN ('pending', 'running')`;
  },
};
