import type { HealthStatus, HealthTimelineEntry } from './health.types';

interface Sample {
  at: number;
  status: HealthStatus;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Hard cap per component so frequent probing cannot grow memory without bound. */
const MAX_SAMPLES = 10_000;

/**
 * Remembers recent check outcomes per component so /health/components can show a timeline. The
 * value of each bucket is the availability ratio: the share of checks in the bucket whose status was
 * ok or degraded. Buckets without any check are omitted rather than reported as 0.
 */
export class HealthHistory {
  private readonly samples = new Map<string, Sample[]>();

  record(componentId: string, status: HealthStatus, at = Date.now()): void {
    const list = this.samples.get(componentId) ?? [];
    list.push({ at, status });
    const cutoff = at - DAY_MS;
    let drop = 0;
    while (drop < list.length && (list[drop] as Sample).at < cutoff) drop += 1;
    if (list.length - drop > MAX_SAMPLES) drop = list.length - MAX_SAMPLES;
    if (drop > 0) list.splice(0, drop);
    this.samples.set(componentId, list);
  }

  timeline(componentId: string, windowMinutes: number, now = Date.now()): HealthTimelineEntry[] {
    const bucketMs = bucketMinutesFor(windowMinutes) * 60_000;
    const windowStart = now - windowMinutes * 60_000;
    const buckets = new Map<number, { up: number; total: number }>();
    for (const s of this.samples.get(componentId) ?? []) {
      if (s.at < windowStart || s.at > now) continue;
      const key = windowStart + Math.floor((s.at - windowStart) / bucketMs) * bucketMs;
      const b = buckets.get(key) ?? { up: 0, total: 0 };
      b.total += 1;
      if (s.status === 'ok' || s.status === 'degraded') b.up += 1;
      buckets.set(key, b);
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, b]) => ({ bucket: new Date(start).toISOString(), value: Math.round((b.up / b.total) * 1000) / 1000, unit: 'availability_ratio' }));
  }
}

/** About 24 buckets per window, never finer than one minute. */
export function bucketMinutesFor(windowMinutes: number): number {
  return Math.max(1, Math.ceil(windowMinutes / 24));
}
