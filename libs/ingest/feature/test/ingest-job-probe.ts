import { Topic, type TopicName } from '@modelguard/contracts';
import type { InProcessBroker } from '@modelguard/messaging';
import { queryRows } from '@modelguard/testing';
import { published } from './ingest-test-app';

export interface JobRowView {
  status: string;
  owner: string | null;
  attempts: number;
  claim_token: string | null;
  error: string | null;
  lease_expired: boolean;
}

/** The ingestion row of one artifact as the tests see it (read on its own connection). */
export async function jobRow(databaseUrl: string, schema: string, artifactId: string): Promise<JobRowView | undefined> {
  const rows = await queryRows<JobRowView>(
    databaseUrl,
    `SELECT status, owner, attempts, claim_token, error, (lease_expires_at < now()) AS lease_expired
       FROM "${schema}"."ingestion" WHERE artifact_id = $1`,
    [artifactId],
  );
  return rows[0];
}

/** Events of `topic` about one artifact published through the broker so far. */
export function publishedFor<T extends TopicName>(broker: InProcessBroker, topic: T, artifactId: string): ReturnType<typeof published<T>> {
  return published(broker, topic).filter((e) => (e.payload as { artifactId?: string }).artifactId === artifactId);
}

/** Every outcome event (stored or failed) about one artifact. */
export function outcomesFor(broker: InProcessBroker, artifactId: string): number {
  return publishedFor(broker, Topic.PackageStoredV2, artifactId).length + publishedFor(broker, Topic.IngestFailed, artifactId).length;
}

/** Runs `work` and returns how long it took, in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Rejects if `work` has not settled within `ms` (a transaction stuck behind a download would hang). */
export function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still blocked after ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
