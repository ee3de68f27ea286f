import type { ScanOptions } from '../core/types';
import { DEFAULT_POOL_LIMITS, ScanPool, type ScanPoolLimits } from './scan-pool';

/**
 * The worker pool behind scanFile/scanInput/scanBuffer/scanStream, one per process. Its size is process-wide
 * configuration, set by the host at start-up (configureScanPool), never taken from whichever call comes first:
 * two callers asking for different sizes would otherwise silently share the first one's.
 */
let limits: ScanPoolLimits = DEFAULT_POOL_LIMITS;
let pool: ScanPool | undefined;

/**
 * Sizes the shared pool; fields left out take their defaults. Call it once at start-up, before the first scan;
 * repeating it with the same values is harmless. Resizing a running pool is refused: close it first (closeSharedPool), then configure again.
 */
export function configureScanPool(next: Partial<ScanPoolLimits>): void {
  const wanted = { ...DEFAULT_POOL_LIMITS, ...definedOnly(next) };
  if (pool && !sameLimits(pool.limits, wanted)) {
    throw new Error(`the shared scan pool is running with ${describe(pool.limits)}; close it (closeSharedPool) before resizing it to ${describe(wanted)}`);
  }
  limits = wanted;
}

/** The size the shared pool has (or will have when the next scan starts it). */
export function scanPoolLimits(): ScanPoolLimits {
  return pool?.limits ?? limits;
}

/**
 * The shared pool, started on first use. Options that name a pool size (`concurrency`, `workerMemoryMb`) must
 * agree with the configured one: a mismatch is a caller that expects a pool it will not get.
 */
export function sharedScanPool(options: ScanOptions): ScanPool {
  const current = scanPoolLimits();
  const asked = { ...current, ...definedOnly({ concurrency: options.concurrency, workerMemoryMb: options.workerMemoryMb }) };
  if (!sameLimits(asked, current)) {
    throw new Error(`scan options ask for ${describe(asked)} but the shared scan pool has ${describe(current)}: size it once with configureScanPool`);
  }
  pool ??= new ScanPool(limits.concurrency, limits.workerMemoryMb);
  return pool;
}

/** Terminates the shared pool's workers; the next scan starts a new pool with the configured size. */
export async function closeSharedPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}

function definedOnly(l: Partial<ScanPoolLimits>): Partial<ScanPoolLimits> {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined));
}

function sameLimits(a: ScanPoolLimits, b: ScanPoolLimits): boolean {
  return a.concurrency === b.concurrency && a.workerMemoryMb === b.workerMemoryMb;
}

function describe(l: ScanPoolLimits): string {
  return `${l.concurrency} workers of ${l.workerMemoryMb} MiB`;
}
