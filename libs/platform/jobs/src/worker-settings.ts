import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';

/** The tuning every leased-job worker has, whatever else its service adds. */
export interface LeasedWorkerSettings {
  /** Stored as the owner of jobs, so you can tell which replica processed what. */
  workerId: string;
  /** Jobs processed at the same time by this process. */
  concurrency: number;
  /** A job whose lease is older than this is considered orphaned and taken over. */
  leaseMs: number;
  heartbeatMs: number;
  /** Fallback poll for claimable jobs (the handler also wakes the loop). */
  pollMs: number;
  /** False in tests that drive (or kill) the worker by hand. */
  autoStart: boolean;
}

/**
 * An optional environment variable holding a plain decimal integer within [min, max]. Only digits are
 * accepted: `2e3`, `0x10`, ` 5` or `-1` are refused rather than coerced into something nobody meant.
 */
export function envInt(min: number, max: number) {
  return z.string().regex(/^\d+$/, 'must be an integer').transform(Number).pipe(z.number().int().min(min).max(max)).optional();
}

/** An optional worker id: safe to log, to store and to put in metric labels. */
export const envWorkerId = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, . _ : - (max 100)').optional();

/**
 * Parses `env` with `schema`, refusing invalid values with every problem listed at once (one restart fixes
 * them all) instead of silently falling back to defaults. `what` names the settings in the error message.
 */
export function parseSettingsEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, what: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid ${what} settings: ${problems}`);
  }
  return parsed.data;
}

/** A worker id unique per process even when replicas share a hostname (containers restarted in place). */
export function uniqueWorkerId(prefix = ''): string {
  return `${prefix}${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Three heartbeats per lease, so one lost beat (GC pause, busy database) does not forfeit the job. */
export function heartbeatIntervalFor(leaseMs: number, minMs: number): number {
  return Math.max(minMs, Math.floor(leaseMs / 3));
}
