import { type IngestSectionConfig, loadServiceSection } from '@modelguard/config';
import { backoffDelay, heartbeatIntervalFor, type LeasedWorkerSettings, uniqueWorkerId } from '@modelguard/jobs';

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

/** Unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultIngestWorkerId(): string {
  return uniqueWorkerId('ingest-');
}

/** The worker settings for the validated INGEST_* section of the config (`config.ingest`). */
export function ingestSettingsFrom(section: IngestSectionConfig, overrides: Partial<IngestSettings> = {}): IngestSettingsInput {
  const leaseMs = overrides.leaseMs ?? section.leaseMs;
  return {
    workerId: section.workerId ?? defaultIngestWorkerId(),
    concurrency: section.concurrency,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 100),
    pollMs: section.pollMs,
    maxAttempts: section.maxAttempts,
    retryDelayMs: section.retryDelayMs,
    maxRetryDelayMs: section.maxRetryDelayMs,
    shutdownGraceMs: section.shutdownGraceMs,
    autoStart: true,
    ...overrides,
  };
}

/**
 * For tests and tools that run the module without a loaded config: INGEST_* read from `env` through the
 * same schema as the config (empty = defaults). Bad values throw a ConfigError naming each variable.
 */
export function ingestSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<IngestSettings> = {}): IngestSettingsInput {
  return ingestSettingsFrom(loadServiceSection('ingest', env), overrides);
}

/** Fills attempts and back-off from the messaging retry policy when INGEST_* did not set them. */
export function resolveIngestSettings(input: IngestSettingsInput, retry: { attempts: number; initialDelayMs: number }): IngestSettings {
  return { ...input, maxAttempts: input.maxAttempts ?? retry.attempts + 1, retryDelayMs: input.retryDelayMs ?? retry.initialDelayMs };
}

/** Exponential back-off for the attempt that just failed (1-based), capped. */
export function retryDelayFor(settings: Pick<IngestSettings, 'retryDelayMs' | 'maxRetryDelayMs'>, failedAttempt: number): number {
  return backoffDelay({ initialMs: settings.retryDelayMs, maxMs: settings.maxRetryDelayMs }, failedAttempt);
}
