import { backoffDelay, envInt, envWorkerId, heartbeatIntervalFor, type LeasedWorkerSettings, parseSettingsEnv, uniqueWorkerId } from '@modelguard/jobs';
import { z } from 'zod';

/**
 * Tuning of one ingest worker process (resolved: every field set); `concurrency` is the number of packages
 * downloaded at the same time (INGEST_CONCURRENCY).
 */
export interface IngestSettings extends LeasedWorkerSettings {
  /** Download attempts for transient upstream errors before IngestFailed (retriable: true). */
  maxAttempts: number;
  /** Back-off before the 2nd attempt; doubles per attempt, capped by maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** On shutdown, how long in-flight downloads may finish before their leases are handed over. */
  shutdownGraceMs: number;
}

/**
 * Settings as read from the environment. Attempts and back-off may stay unset: the module then keeps the
 * historical behaviour of following the messaging retry policy (MESSAGING_RETRY_*).
 */
export type IngestSettingsInput = Omit<IngestSettings, 'maxAttempts' | 'retryDelayMs'> & Partial<Pick<IngestSettings, 'maxAttempts' | 'retryDelayMs'>>;

export const INGEST_SETTINGS = Symbol.for('modelguard.ingest.settings');

const ENV = z.object({
  INGEST_WORKER_ID: envWorkerId,
  INGEST_CONCURRENCY: envInt(1, 64),
  INGEST_LEASE_MS: envInt(1_000, 3_600_000),
  INGEST_POLL_MS: envInt(50, 60_000),
  INGEST_MAX_ATTEMPTS: envInt(1, 20),
  INGEST_RETRY_DELAY_MS: envInt(0, 600_000),
  INGEST_SHUTDOWN_GRACE_MS: envInt(0, 600_000),
});

/** Unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultIngestWorkerId(): string {
  return uniqueWorkerId('ingest-');
}

/**
 * Settings from INGEST_* variables (the app passes `process.env`; feature code never reads it). Invalid
 * values are refused with every problem listed rather than silently replaced by a default.
 */
export function ingestSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<IngestSettings> = {}): IngestSettingsInput {
  const e = parseSettingsEnv(ENV, env, 'ingest');
  const leaseMs = overrides.leaseMs ?? e.INGEST_LEASE_MS ?? 60_000;
  return {
    workerId: e.INGEST_WORKER_ID ?? defaultIngestWorkerId(),
    concurrency: e.INGEST_CONCURRENCY ?? 2,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 100),
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
  return backoffDelay({ initialMs: settings.retryDelayMs, maxMs: settings.maxRetryDelayMs }, failedAttempt);
}
