import { describe, expect, it } from 'vitest';
import { mapBounded } from './bounded-map';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await tick(n * 3);
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('stops starting work after a failure, waits for in-flight calls and throws the first error', async () => {
    const started: number[] = [];
    let settled = 0;
    const error = await mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick(n === 1 ? 5 : 20);
      settled += 1;
      if (n === 1) throw new Error('first');
      return n;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('first');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });

  it('handles an empty list', async () => {
    expect(await mapBounded([], 3, async () => 1)).toEqual([]);
  });
});
