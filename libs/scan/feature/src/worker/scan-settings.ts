import { loadServiceSection, type ScanSectionConfig } from '@modelguard/config';
import { heartbeatIntervalFor, type LeasedWorkerSettings, uniqueWorkerId } from '@modelguard/jobs';

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

/** A worker id unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultWorkerId(): string {
  return uniqueWorkerId();
}

/** The worker settings for the validated SCAN_* section of the config (`config.scan`). */
export function scanSettingsFrom(section: ScanSectionConfig, overrides: Partial<ScanSettings> = {}): ScanSettings {
  const leaseMs = overrides.leaseMs ?? section.leaseMs;
  return {
    workerId: section.workerId ?? defaultWorkerId(),
    concurrency: section.concurrency,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 250),
    pollMs: section.pollMs,
    maxAttempts: section.maxAttempts,
    spoolMaxBytes: section.spoolMaxBytes,
    blobAttempts: section.blobAttempts,
    blobRetryDelayMs: section.blobRetryDelayMs,
    autoStart: true,
    ...overrides,
  };
}

/**
 * For tests and tools that run the module without a loaded config: SCAN_* read from `env` through the same
 * schema as the config (empty = defaults). Bad values throw a ConfigError naming each variable.
 */
export function scanSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<ScanSettings> = {}): ScanSettings {
  return scanSettingsFrom(loadServiceSection('scan', env), overrides);
}
