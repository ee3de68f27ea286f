import { describe, expect, it } from 'vitest';
import { RefusalCoalescer } from './refusal-coalescer';

const limits = { windowMs: 10_000, maxKeys: 3, maxEntriesPerWindow: 5 };

describe('RefusalCoalescer', () => {
  it('records the first refusal of a key at once and its repeats as one entry standing for all of them when the window ends', () => {
    const c = new RefusalCoalescer<number>(limits);
    expect(c.offer('alice|forbidden', 1, 0)).toEqual({ facts: 1, suppressed: 0, flood: false });
    for (let i = 2; i <= 200; i++) expect(c.offer('alice|forbidden', i, i)).toBeNull();
    expect(c.due(9_999)).toEqual([]);
    expect(c.due(10_000)).toEqual([{ facts: 200, suppressed: 198, flood: false }]);
    expect(c.size).toBe(0);
    // A new window starts afresh.
    expect(c.offer('alice|forbidden', 201, 10_001)).toEqual({ facts: 201, suppressed: 0, flood: false });
  });

  it('carries uncounted repeats into the next entry when the key refuses again before the flush', () => {
    const c = new RefusalCoalescer<string>(limits);
    c.offer('k', 'a', 0);
    c.offer('k', 'b', 1);
    c.offer('k', 'c', 2);
    expect(c.offer('k', 'd', 10_500)).toEqual({ facts: 'd', suppressed: 2, flood: false });
    expect(c.due(20_499)).toEqual([]);
  });

  it('keeps keys apart (another identity or reason is recorded on its own)', () => {
    const c = new RefusalCoalescer<string>(limits);
    expect(c.offer('alice|forbidden', 'a', 0)).not.toBeNull();
    expect(c.offer('alice|rate-limited', 'b', 0)).not.toBeNull();
    expect(c.offer('bob|forbidden', 'c', 0)).not.toBeNull();
  });

  it('bounds tracked keys and entries per window; what is over the bounds becomes one flood entry', () => {
    const c = new RefusalCoalescer<string>(limits);
    const recorded = Array.from({ length: 1_000 }, (_, i) => c.offer(`addr-${i}|invalid-token`, `r${i}`, 5)).filter((e) => e !== null);
    expect(recorded).toHaveLength(limits.maxKeys);
    expect(c.size).toBe(limits.maxKeys);
    const due = c.due(10_005);
    expect(due).toEqual([{ facts: 'r999', suppressed: 1_000 - limits.maxKeys - 1, flood: true }]);
    // Every refusal is accounted for: entries recorded + the flood entry's 1 + suppressed.
    expect(recorded.length + 1 + due[0].suppressed).toBe(1_000);
  });

  it('stops at the per-window entry budget even when keys are free', () => {
    const c = new RefusalCoalescer<number>({ windowMs: 1_000, maxKeys: 1_000, maxEntriesPerWindow: 5 });
    const recorded = Array.from({ length: 50 }, (_, i) => c.offer(`k${i}`, i, 0)).filter((e) => e !== null);
    expect(recorded).toHaveLength(5);
    expect(c.due(1_000)).toEqual([{ facts: 49, suppressed: 44, flood: true }]);
  });

  it('drains everything still counted (shutdown)', () => {
    const c = new RefusalCoalescer<number>(limits);
    c.offer('k', 1, 0);
    c.offer('k', 2, 1);
    expect(c.drain()).toEqual([{ facts: 2, suppressed: 0, flood: false }]);
  });
});
