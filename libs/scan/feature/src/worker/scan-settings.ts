import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';

/** Tuning of one scan worker process. */
export interface ScanSettings {
  /** Stored on jobs (owner) and reports, so you can tell which replica scanned what. */
  workerId: string;
  /** Package versions scanned at the same time by this process (SCAN_CONCURRENCY). */
  concurrency: number;
  /** A job whose lease is older than this is considered orphaned and taken over. */
  leaseMs: number;
  heartbeatMs: number;
  /** Fallback poll for claimable jobs (the handler also wakes the loop). */
  pollMs: number;
  /** Transient failures (DB, scanner crash) before giving up with ScanFailed. */
  maxAttempts: number;
  spoolMaxBytes: number;
  blobAttempts: number;
  blobRetryDelayMs: number;
  /** False in tests that drive the worker by hand. */
  autoStart: boolean;
}

export const SCAN_SETTINGS = Symbol.for('modelguard.scan.settings');

const int = (min: number, max: number) => z.string().regex(/^\d+$/, 'must be an integer').transform(Number).pipe(z.number().int().min(min).max(max)).optional();

const ENV = z.object({
  SCAN_WORKER_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, . _ : - (max 100)').optional(),
  SCAN_CONCURRENCY: int(1, 64),
  SCAN_LEASE_MS: int(1_000, 3_600_000),
  SCAN_POLL_MS: int(50, 60_000),
  SCAN_MAX_ATTEMPTS: int(1, 20),
  SCAN_SPOOL_MAX_BYTES: int(0, 1024 ** 4),
  SCAN_BLOB_ATTEMPTS: int(1, 20),
  SCAN_BLOB_RETRY_DELAY_MS: int(0, 60_000),
});

/** A worker id unique per process even when replicas share a hostname (containers restarted in place). */
export function defaultWorkerId(): string {
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Settings from SCAN_* variables (the app passes `process.env`; feature code never reads it). Invalid values
 * are refused with every problem listed, rather than silently falling back to a default.
 */
export function scanSettingsFromEnv(env: Record<string, string | undefined>, overrides: Partial<ScanSettings> = {}): ScanSettings {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid scan settings: ${problems}`);
  }
  const e = parsed.data;
  const leaseMs = e.SCAN_LEASE_MS ?? 60_000;
  return {
    workerId: e.SCAN_WORKER_ID ?? defaultWorkerId(),
    concurrency: e.SCAN_CONCURRENCY ?? 2,
    leaseMs,
    // Three heartbeats per lease: one lost beat (GC pause, busy DB) does not forfeit the job.
    heartbeatMs: Math.max(250, Math.floor(leaseMs / 3)),
    pollMs: e.SCAN_POLL_MS ?? 1_000,
    maxAttempts: e.SCAN_MAX_ATTEMPTS ?? 3,
    spoolMaxBytes: e.SCAN_SPOOL_MAX_BYTES ?? 256 * 1024 * 1024,
    blobAttempts: e.SCAN_BLOB_ATTEMPTS ?? 3,
    blobRetryDelayMs: e.SCAN_BLOB_RETRY_DELAY_MS ?? 500,
    autoStart: true,
    ...overrides,
  };
}
