import { PickleError } from './pickle-errors';
import { pushCapped, type Value } from './values';

/** Container and memo helpers of the pickle VM (kept apart so the opcode loop stays readable). */
const SMALL_INTS: Value[] = Array.from({ length: 1281 }, (_, i) => ({ k: 'int', v: i - 256 }));

/** Shared immutable values for small ints: most ints in real pickles are shapes, strides and indices. */
export function smallInt(v: number): Value {
  return v >= -256 && v <= 1024 ? SMALL_INTS[v + 256] : { k: 'int', v };
}

/** Memo entries younger than this are never compacted (containers are usually filled right after PUT). */
export const COMPACT_LAG = 1 << 14;
const PLAIN_SCALARS = new Set(['str', 'int', 'float', 'bool', 'none']);

/**
 * Keeps memory flat on pickles that memoize millions of small objects. Old memo entries that are plain data
 * (containers holding only scalars) are replaced by a frozen empty container of the same kind: everything a
 * container holds was analysed when it was created, so only its kind matters later. Strings, globals, calls,
 * bytes and anything else that can influence resolution are kept as they are.
 */
export function compactMemo(memo: Array<Value | string>, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const v = memo[i];
    if (v === undefined || typeof v === 'string') continue;
    if (v.k === 'dict' && v.entries.every(([a, b]) => PLAIN_SCALARS.has(a.k) && PLAIN_SCALARS.has(b.k))) memo[i] = FROZEN.dict;
    else if ((v.k === 'list' || v.k === 'tuple' || v.k === 'set') && v.items.every((x) => PLAIN_SCALARS.has(x.k))) memo[i] = FROZEN[v.k];
  }
  return Math.max(from, to);
}

const FROZEN = {
  dict: Object.freeze({ k: 'dict', entries: Object.freeze([]) as unknown as Array<[Value, Value]>, truncated: true }) as Value,
  list: Object.freeze({ k: 'list', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
  tuple: Object.freeze({ k: 'tuple', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
  set: Object.freeze({ k: 'set', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
};

export function pairs(items: Value[], at: number): Array<[Value, Value]> {
  if (items.length % 2 !== 0) throw new PickleError('odd number of items for a dict', at);
  const out: Array<[Value, Value]> = [];
  for (let i = 0; i < items.length && out.length < 256; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

export function addItems(target: Value, items: Value[], at: number): void {
  if (Object.isFrozen(target)) return;
  if (target.k === 'list' || target.k === 'set') {
    if (pushCapped(target.items, items)) target.truncated = true;
  } else if (target.k !== 'call' && target.k !== 'unknown' && target.k !== 'global' && target.k !== 'ext' && target.k !== 'persid') {
    throw new PickleError(`APPEND to a ${target.k}`, at);
  }
}

export function setItems(target: Value, entries: Array<[Value, Value]>, at: number): void {
  if (Object.isFrozen(target)) return;
  if (target.k === 'dict') {
    if (pushCapped(target.entries, entries)) target.truncated = true;
  } else if (target.k !== 'call' && target.k !== 'unknown' && target.k !== 'global' && target.k !== 'ext' && target.k !== 'persid') {
    throw new PickleError(`SETITEM on a ${target.k}`, at);
  }
}

