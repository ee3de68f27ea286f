import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the initial wait per retry', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ initialMs: 500 }, n))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never exceeds the cap', () => {
    const backoff = { initialMs: 500, maxMs: 3_000 };
    expect([1, 2, 3, 4, 10, 5_000].map((n) => backoffDelay(backoff, n))).toEqual([500, 1_000, 2_000, 3_000, 3_000, 3_000]);
  });

  it('treats attempt 0 and below like the first retry', () => {
    expect(backoffDelay({ initialMs: 100 }, 0)).toBe(100);
    expect(backoffDelay({ initialMs: 100 }, -3)).toBe(100);
  });

  it('spreads the wait by ±jitter around the capped value', () => {
    const backoff = { initialMs: 100, maxMs: 1_000, jitter: 0.2 };
    expect(backoffDelay(backoff, 1, () => 0)).toBe(80);
    expect(backoffDelay(backoff, 1, () => 0.5)).toBe(100);
    expect(backoffDelay(backoff, 1, () => 1)).toBe(120);
    expect(backoffDelay(backoff, 10, () => 1)).toBe(1_200);
    for (let i = 0; i < 200; i++) {
      const wait = backoffDelay(backoff, 3);
      expect(wait).toBeGreaterThanOrEqual(320);
      expect(wait).toBeLessThanOrEqual(480);
      expect(Number.isInteger(wait)).toBe(true);
    }
  });

  it('stays finite and capped for absurd attempt numbers', () => {
    expect(backoffDelay({ initialMs: 1, maxMs: 60_000 }, 10_000)).toBe(60_000);
  });
});
