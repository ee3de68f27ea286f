import type { UseCounter } from '../ports/use-counter.port';

/**
 * In-process counter for a single gateway instance (embedded mode, tests). Multi-instance deployments must bind the
 * Redis-backed CacheStore so a token's uses are counted across instances.
 */
export class MemoryUseCounter implements UseCounter {
  private readonly counts = new Map<string, { n: number; expiresAt: number }>();

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const now = Date.now();
    if (this.counts.size > 10_000) this.sweep(now);
    const entry = this.counts.get(key);
    if (entry === undefined || entry.expiresAt <= now) {
      this.counts.set(key, { n: 1, expiresAt: now + ttlSeconds * 1000 });
      return 1;
    }
    entry.n += 1;
    return entry.n;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.counts) if (entry.expiresAt <= now) this.counts.delete(key);
  }
}
