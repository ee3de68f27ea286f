import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';

/** Tuning of one ingest worker process (resolved: every field set). */
export interface IngestSettings {
  /** Stored as the owner of jobs, so you can tell which replica downloaded what. */
  workerId: string;
  /** Packages downloaded at the same time by this process (INGEST_CONCURRENCY). */
  concurrency: number;
  /** A job whose lease is older than this is considered orphaned and taken over. */
  leaseMs: number;
  heartbeatMs: number;
  /** Fallback poll for claimable jobs (the handler also wakes the loop). */
  pollMs: number;
  /** Download attempts for transient upstream errors before IngestFailed (retriable: true). */
  maxAttempts: number;
  /** Back-off before the 2nd attempt; doubles per attempt, capped by maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** On shutdown, how long in-flight downloads may finish before their leases are handed over. */
  shutdownGraceMs: number;
  /** False in tests that drive (or kill) the worker by hand. */
  autoStart: boolean;
}

/**
 * Settings as read from the environment. Attempts and back-off may stay unset: the module then keeps the
 * historical behaviour of following the messaging retry policy (MESSAGING_RETRY_*).
 */
export type IngestSettingsInput = Omit<IngestSettings, 'maxAttempts' | 'retryDelayMs'> & Partial<Pick<IngestSettings, 'maxAttempts' | 'retryDelayMs'>>;

export const INGEST_SETTINGS = Symbol.for('modelguard.ingest.settings');

const int = (min: number, max: number) => z.string().regex(/^\d+$/, 'must be an integer').transform(Number).pipe(z.number().int().min(min).max(max)).optional();

const ENV = z.object({
  INGEST_WORKER_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, . _ : - (max 100)').optional(),
  INGEST_CONCURRENCY: int(1, 64),
  INGEST_LEASE_MS: int(1_000, 3_600_000),
  INGEST_POLL_MS: int(50, 60_000),
  INGEST_MAX_ATTEMPTS: int(1, 20),
  INGEST_RETRY_DELAY_MS: int(0, 600_000),
  INGEST_SHUTDOWN_GRACE_MS: int(0, 600_000),
});

/** Unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultIngestWorkerId(): string {
  return `ingest-${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Settings from INGEST_* variables (the app passes `process.env`; feature code never reads it). Invalid
 * values are refused with every problem listed rather than silently replaced by a default.
 */
export function ingestSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<IngestSettings> = {}): IngestSettingsInput {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid ingest settings: ${problems}`);
  }
  const e = parsed.data;
  const leaseMs = overrides.leaseMs ?? e.INGEST_LEASE_MS ?? 60_000;
  return {
    workerId: e.INGEST_WORKER_ID ?? defaultIngestWorkerId(),
    concurrency: e.INGEST_CONCURRENCY ?? 2,
    leaseMs,
    // Three heartbeats per lease: one lost beat (GC pause, busy database) does not forfeit the job.
    heartbeatMs: Math.max(100, Math.floor(leaseMs / 3)),
    pollMs: e.INGEST_POLL_MS ?? 1_000,
    maxAttempts: e.INGEST_MAX_ATTEMPTS,
    retryDelayMs: e.INGEST_RETRY_DELAY_MS,
    maxRetryDelayMs: 60_000,
    shutdownGraceMs: e.INGEST_SHUTDOWN_GRACE_MS ?? 10_000,
    autoStart: true,
    ...overrides,
  };
}

/** Fills attempts and back-off from the messaging retry policy when INGEST_* did not set them. */
export function resolveIngestSettings(input: IngestSettingsInput, retry: { attempts: number; initialDelayMs: number }): IngestSettings {
  return { ...input, maxAttempts: input.maxAttempts ?? retry.attempts + 1, retryDelayMs: input.retryDelayMs ?? retry.initialDelayMs };
}

/** Exponential back-off for the attempt that just failed (1-based), capped. */
export function retryDelayFor(settings: Pick<IngestSettings, 'retryDelayMs' | 'maxRetryDelayMs'>, failedAttempt: number): number {
  return Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** Math.max(0, failedAttempt - 1));
}
