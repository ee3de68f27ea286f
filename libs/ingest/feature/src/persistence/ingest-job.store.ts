import { type ArtifactType, PackageStoredV1, PackageStoredV2 } from '@modelguard/contracts';
import { leaseFromNow as lease, type LeasedJobStore, returnedRows } from '@modelguard/jobs';
import { qualifiedTable } from '@modelguard/persistence';
import type { EntityManager } from 'typeorm';

/** What the IngestRequested handler hands to the worker, plus the event it answers. */
export interface IngestJobRequest {
  artifactId: string;
  artifactType: ArtifactType;
  name: string;
  version: string;
  url: string;
  causationId: string;
  correlationId: string;
}

/** A job claimed by one worker; `claimToken` proves the claim is still current when finishing. */
export interface IngestJob extends Omit<IngestJobRequest, 'causationId' | 'correlationId'> {
  /** Null/undefined only for rows recorded before the job columns existed (a fresh correlation id is minted). */
  causationId: string | null;
  correlationId: string | undefined;
  owner: string;
  claimToken: string;
  /** Attempts including this one (1 on the first claim). */
  attempts: number;
}

/**
 * The handler's decision: `stored` = already mirrored at this URL (re-announce, no download); `in-flight` = the
 * same request is already queued or downloading (a duplicate: one download only); `queued` = new work.
 */
export type RecordOutcome = { kind: 'stored'; payload: PackageStoredV2 | PackageStoredV1 } | { kind: 'in-flight' } | { kind: 'queued' };

export type FinalOutcome = { status: 'stored'; result: PackageStoredV2 } | { status: 'failed'; error: string };

interface JobRow {
  artifact_id: string;
  artifact_type: ArtifactType;
  name: string | null;
  version: string;
  url: string;
  causation_id: string | null;
  correlation_id: string | null;
  owner: string;
  claim_token: string;
  attempts: number;
}

const toJob = (r: JobRow): IngestJob => ({
  artifactId: r.artifact_id,
  artifactType: r.artifact_type,
  // Only rows written before the job columns existed lack these, and those are never claimed as-is.
  name: r.name ?? r.artifact_id,
  version: r.version,
  url: r.url,
  causationId: r.causation_id,
  correlationId: r.correlation_id ?? undefined,
  owner: r.owner,
  claimToken: r.claim_token,
  attempts: r.attempts,
});

/** Raw SQL must qualify names: TypeORM does not set search_path, and tests use throw-away schemas. */
function tableOf(manager: EntityManager): string {
  return qualifiedTable(manager, 'ingestion');
}

/**
 * All SQL about ingest jobs. Leases use the database clock (`now()`), so workers with skewed clocks agree on
 * who owns what; every state change after a claim is conditional on the claim token, so a worker that lost
 * its job (lease taken over, request refreshed, registry reset) can never overwrite or announce a result.
 */
export class IngestJobStore implements LeasedJobStore<EntityManager, IngestJob> {
  /**
   * Runs inside the handler's inbox transaction: records a new job owned by `owner`, refreshes a finished or
   * outdated one, or recognises a duplicate. Locks the row so a worker finishing it concurrently is seen.
   */
  async record(manager: EntityManager, req: IngestJobRequest, owner: string, leaseMs: number): Promise<RecordOutcome> {
    const t = tableOf(manager);
    const values = [req.artifactId, req.version, req.artifactType, req.url, req.name, req.causationId, req.correlationId, owner, leaseMs];
    const inserted = (await manager.query(
      `INSERT INTO ${t} ("artifact_id", "version", "artifact_type", "url", "name", "causation_id", "correlation_id",
                         "owner", "lease_expires_at", "status", "attempts", "started_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${lease(9)}, 'pending', 0, now())
       ON CONFLICT ("artifact_id", "version") DO NOTHING
       RETURNING "artifact_id"`,
      values,
    )) as unknown[];
    if (inserted.length > 0) return { kind: 'queued' };

    const [row] = (await manager.query(
      `SELECT "status", "url", "artifact_type", "result" FROM ${t} WHERE "artifact_id" = $1 AND "version" = $2 FOR UPDATE`,
      [req.artifactId, req.version],
    )) as Array<{ status: string; url: string; artifact_type: string; result: unknown }>;
    const sameRequest = row !== undefined && row.url === req.url && row.artifact_type === req.artifactType;
    if (sameRequest && row.status === 'stored') {
      // v2 (claim checks); rows finished before v2 hold the inline v1 payload, which the handler re-announces as v2.
      const v2 = PackageStoredV2.safeParse(row.result);
      const stored = v2.success ? v2 : PackageStoredV1.safeParse(row.result);
      if (stored.success && stored.data.url === req.url) return { kind: 'stored', payload: stored.data };
    }
    if (sameRequest && (row.status === 'pending' || row.status === 'running')) return { kind: 'in-flight' };
    // Failed before, stored under another URL, or unreadable: start over as this request's job.
    await manager.query(
      `UPDATE ${t} SET "artifact_type" = $3, "url" = $4, "name" = $5, "causation_id" = $6, "correlation_id" = $7,
              "owner" = $8, "lease_expires_at" = ${lease(9)}, "status" = 'pending', "attempts" = 0, "claim_token" = NULL,
              "error" = NULL, "result" = NULL, "started_at" = now(), "finished_at" = NULL, "next_attempt_at" = now(),
              "updated_at" = now()
        WHERE "artifact_id" = $1 AND "version" = $2`,
      values,
    );
    return { kind: 'queued' };
  }

  /**
   * Claims up to `limit` jobs: this worker's own pending jobs first (work stays with the instance that holds
   * the request's partition), then anyone's job whose lease lapsed (its worker died). SKIP LOCKED lets
   * concurrent claimers pass each other instead of queueing on the same rows.
   */
  async claim(manager: EntityManager, owner: string, limit: number, leaseMs: number): Promise<IngestJob[]> {
    const t = tableOf(manager);
    const result: unknown = await manager.query(
      `WITH candidate AS (
         SELECT "artifact_id", "version" FROM ${t}
          WHERE "status" IN ('pending', 'running')
            AND "next_attempt_at" <= now()
            AND (("owner" = $1 AND "status" = 'pending') OR "lease_expires_at" < now())
          ORDER BY ("owner" = $1) DESC, "created_at"
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE ${t} AS job
          SET "status" = 'running', "owner" = $1, "attempts" = job."attempts" + 1, "claim_token" = gen_random_uuid(),
              "lease_expires_at" = ${lease(3)}, "updated_at" = now()
         FROM candidate WHERE job."artifact_id" = candidate."artifact_id" AND job."version" = candidate."version"
       RETURNING job."artifact_id", job."artifact_type", job."name", job."version", job."url", job."causation_id",
                 job."correlation_id", job."owner", job."claim_token", job."attempts"`,
      [owner, limit, leaseMs],
    );
    return returnedRows<JobRow>(result).map(toJob);
  }

  /**
   * Extends the leases this worker stands behind: its queued jobs (it is alive and will claim them) and the
   * claims it is actually working on. A claim whose processing vanished unrecorded is left out, so its lease
   * lapses and it is claimed again instead of staying stuck.
   */
  async heartbeat(manager: EntityManager, owner: string, leaseMs: number, claimTokens: string[]): Promise<void> {
    await manager.query(
      `UPDATE ${tableOf(manager)} SET "lease_expires_at" = ${lease(2)}
        WHERE "owner" = $1 AND ("status" = 'pending' OR ("status" = 'running' AND "claim_token" = ANY($3::uuid[])))`,
      [owner, leaseMs, claimTokens],
    );
  }

  /** Records the outcome if the claim is still current; false = the job is no longer ours, discard the result. */
  async finish(manager: EntityManager, job: IngestJob, outcome: FinalOutcome): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE ${tableOf(manager)}
          SET "status" = $4, "error" = $5, "result" = $6::jsonb, "finished_at" = now(), "updated_at" = now(),
              "claim_token" = NULL, "lease_expires_at" = NULL
        WHERE "artifact_id" = $1 AND "version" = $2 AND "claim_token" = $3 AND "status" = 'running'
       RETURNING "artifact_id"`,
      [
        job.artifactId, job.version, job.claimToken, outcome.status,
        outcome.status === 'failed' ? outcome.error : null,
        outcome.status === 'stored' ? JSON.stringify(outcome.result) : null,
      ],
    );
    return returnedRows(result).length > 0;
  }

  /** Back to the queue after a transient failure, still owned by this worker, not before `delayMs`. */
  async retryLater(manager: EntityManager, job: IngestJob, error: string, delayMs: number): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE ${tableOf(manager)}
          SET "status" = 'pending', "error" = $4, "claim_token" = NULL, "updated_at" = now(),
              "next_attempt_at" = now() + $5 * interval '1 millisecond'
        WHERE "artifact_id" = $1 AND "version" = $2 AND "claim_token" = $3 AND "status" = 'running'
       RETURNING "artifact_id"`,
      [job.artifactId, job.version, job.claimToken, error, delayMs],
    );
    return returnedRows(result).length > 0;
  }

  /**
   * On shutdown: hands this worker's unfinished jobs to the others at once instead of after the lease. A
   * download still running here loses its claim (status leaves 'running'), so its late result is discarded.
   */
  async releaseAll(manager: EntityManager, owner: string): Promise<void> {
    await manager.query(
      `UPDATE ${tableOf(manager)}
          SET "status" = 'pending', "claim_token" = NULL, "lease_expires_at" = now(), "updated_at" = now()
        WHERE "owner" = $1 AND "status" IN ('pending', 'running')`,
      [owner],
    );
  }

  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${tableOf(manager)}`);
  }
}
