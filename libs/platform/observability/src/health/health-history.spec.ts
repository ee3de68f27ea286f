import { describe, expect, it } from 'vitest';
import { bucketMinutesFor, HealthHistory } from './health-history';

const MIN = 60_000;

describe('HealthHistory', () => {
  it('buckets samples across the window as availability ratios, oldest first', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const h = new HealthHistory();
    h.record('db', 'critical', now - 70 * MIN); // outside a 60 minute window
    h.record('db', 'ok', now - 59 * MIN);
    h.record('db', 'critical', now - 58 * MIN);
    h.record('db', 'degraded', now - 11 * MIN);
    h.record('db', 'unknown', now - 10 * MIN);
    h.record('other', 'critical', now - 9 * MIN);
    const timeline = h.timeline('db', 60, now);
    expect(bucketMinutesFor(60)).toBe(3);
    expect(timeline).toEqual([
      { bucket: new Date(now - 60 * MIN).toISOString(), value: 0.5, unit: 'availability_ratio' },
      { bucket: new Date(now - 12 * MIN).toISOString(), value: 0.5, unit: 'availability_ratio' },
    ]);
    expect(h.timeline('missing', 60, now)).toEqual([]);
  });

  it('keeps a bounded number of samples and forgets those older than a day', () => {
    const h = new HealthHistory();
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 20_000; i += 1) h.record('p', 'ok', start + i);
    expect(h.timeline('p', 1440, start + 20_000)[0]!.value).toBe(1);
    const internal = (h as unknown as { samples: Map<string, unknown[]> }).samples.get('p')!;
    expect(internal.length).toBe(10_000);
    h.record('p', 'critical', start + 2 * 24 * 60 * MIN);
    expect(internal.length).toBe(1);
  });

  it('never uses buckets finer than a minute', () => {
    expect(bucketMinutesFor(5)).toBe(1);
    expect(bucketMinutesFor(1440)).toBe(60);
  });
});
