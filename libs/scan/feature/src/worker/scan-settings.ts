import { envInt, envWorkerId, heartbeatIntervalFor, type LeasedWorkerSettings, parseSettingsEnv, uniqueWorkerId } from '@modelguard/jobs';
import { z } from 'zod';

/**
 * Tuning of one scan worker process. The worker id is also stored on reports; `concurrency` is the number of
 * package versions scanned at the same time (SCAN_CONCURRENCY).
 */
export interface ScanSettings extends LeasedWorkerSettings {
  /** Transient failures (DB, scanner crash) before giving up with ScanFailed. */
  maxAttempts: number;
  spoolMaxBytes: number;
  blobAttempts: number;
  blobRetryDelayMs: number;
}

export const SCAN_SETTINGS = Symbol.for('modelguard.scan.settings');

const ENV = z.object({
  SCAN_WORKER_ID: envWorkerId,
  SCAN_CONCURRENCY: envInt(1, 64),
  SCAN_LEASE_MS: envInt(1_000, 3_600_000),
  SCAN_POLL_MS: envInt(50, 60_000),
  SCAN_MAX_ATTEMPTS: envInt(1, 20),
  SCAN_SPOOL_MAX_BYTES: envInt(0, 1024 ** 4),
  SCAN_BLOB_ATTEMPTS: envInt(1, 20),
  SCAN_BLOB_RETRY_DELAY_MS: envInt(0, 60_000),
});

/** A worker id unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultWorkerId(): string {
  return uniqueWorkerId();
}

/**
 * Settings from SCAN_* variables (the app passes `process.env`; feature code never reads it). Invalid values
 * are refused with every problem listed, rather than silently falling back to a default.
 */
export function scanSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<ScanSettings> = {}): ScanSettings {
  const e = parseSettingsEnv(ENV, env, 'scan');
  const leaseMs = e.SCAN_LEASE_MS ?? 60_000;
  return {
    workerId: e.SCAN_WORKER_ID ?? defaultWorkerId(),
    concurrency: e.SCAN_CONCURRENCY ?? 2,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 250),
    pollMs: e.SCAN_POLL_MS ?? 1_000,
    maxAttempts: e.SCAN_MAX_ATTEMPTS ?? 3,
    spoolMaxBytes: e.SCAN_SPOOL_MAX_BYTES ?? 256 * 1024 * 1024,
    blobAttempts: e.SCAN_BLOB_ATTEMPTS ?? 3,
    blobRetryDelayMs: e.SCAN_BLOB_RETRY_DELAY_MS ?? 500,
    autoStart: true,
    ...overrides,
  };
}
