import { describe, expect, it } from 'vitest';
import type { Value } from './values';
import { frozenOf } from './vm-compact';
import { COMPACT_LAG, Memo } from './vm-memo';

/**
 * Containers stay whole in a ring of recent ones and are compacted when they leave it: re-PUTs of the same
 * index, and overwrites by values whose payload looks like a ring slot, must never retire the wrong value.
 */
const list = (tag: number): Value => ({ k: 'list', items: [{ k: 'int', v: tag }] });
const MAX = 1 << 20;

function fillRing(memo: Memo, from: number, count: number): void {
  for (let j = 0; j < count; j++) memo.put(from + j, list(from + j), -1, MAX);
}

describe('Memo ring of recent containers', () => {
  it('keeps the newest container of an index re-PUT into the slot its previous container held', () => {
    const memo = new Memo();
    const a = list(1);
    const b = list(2);
    memo.put(5, a, -1, MAX); // slot 0
    fillRing(memo, 100, COMPACT_LAG - 1); // slots 1 … COMPACT_LAG-1
    memo.put(5, b, -1, MAX); // slot 0 again: retiring `a` must not touch index 5
    expect(memo.get(5)).toBe(b);
    fillRing(memo, 100 + COMPACT_LAG, COMPACT_LAG - 1);
    expect(memo.get(5)).toBe(b);
    fillRing(memo, 100 + 2 * COMPACT_LAG, 1); // now `b` leaves the ring: compacted
    expect(memo.get(5)).toBe(frozenOf('list'));
  });

  it('retires a re-PUT index only when its current container leaves the ring', () => {
    const memo = new Memo();
    const b = list(2);
    memo.put(5, list(1), -1, MAX); // slot 0
    memo.put(5, b, -1, MAX); // slot 1
    fillRing(memo, 100, COMPACT_LAG - 1); // the last one takes slot 0: retires the old container, not `b`
    expect(memo.get(5)).toBe(b);
    fillRing(memo, 100 + COMPACT_LAG, 1); // slot 1
    expect(memo.get(5)).toBe(frozenOf('list'));
  });

  it('does not retire an index overwritten by a value whose payload equals the old slot', () => {
    const memo = new Memo();
    memo.put(5, list(1), -1, MAX); // slot 0
    memo.put(5, { k: 'int', v: 0 }, -1, MAX); // payload 0, like slot 0
    fillRing(memo, 100, COMPACT_LAG); // slot 0 comes round
    expect(memo.get(5)).toEqual({ k: 'int', v: 0 });
    memo.put(6, list(6), -1, MAX);
    memo.put(6, { k: 'str', v: 'os' }, -1, MAX); // kept name: payload 0 as well
    fillRing(memo, 100 + COMPACT_LAG, COMPACT_LAG);
    expect(memo.get(6)).toEqual({ k: 'str', v: 'os' });
  });
});
