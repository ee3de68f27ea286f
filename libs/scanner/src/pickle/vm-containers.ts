import { PickleError } from './pickle-errors';
import { CONTAINER_CAP, type Value } from './values';

/**
 * Container helpers of the pickle VM (kept apart so the opcode loop stays readable). They read the items
 * straight from the VM stack range above a MARK (`stack[from..to)`, never containing a MARK) instead of
 * copying them into temporary arrays first: SETITEMS/APPENDS run millions of times on big pickles.
 */
const SMALL_INTS: Value[] = Array.from({ length: 1281 }, (_, i) => ({ k: 'int', v: i - 256 }));

/** Shared immutable values for small ints: most ints in real pickles are shapes, strides and indices. */
export function smallInt(v: number): Value {
  return v >= -256 && v <= 1024 ? SMALL_INTS[v + 256] : { k: 'int', v };
}

type Stack = readonly unknown[];

/** At most CONTAINER_CAP items of `stack[from..to)`. */
export function itemsOf(stack: Stack, from: number, to: number): { items: Value[]; truncated: boolean } {
  const end = Math.min(to, from + CONTAINER_CAP);
  const items = new Array<Value>(Math.max(0, end - from));
  for (let i = from; i < end; i++) items[i - from] = stack[i] as Value;
  return { items, truncated: to > end };
}

/** Key/value pairs of `stack[from..to)`, at most CONTAINER_CAP of them, flat (a dict's `kv`). */
export function pairsOf(stack: Stack, from: number, to: number, at: number): Value[] {
  if ((to - from) % 2 !== 0) throw new PickleError('odd number of items for a dict', at);
  const end = Math.min(to, from + 2 * CONTAINER_CAP);
  const out = new Array<Value>(end - from);
  for (let i = from; i < end; i++) out[i - from] = stack[i] as Value;
  return out;
}

function mutable(target: Value, what: string, at: number): boolean {
  // Frozen values are the compact stand-ins of old memo entries: their content is no longer tracked.
  if (Object.isFrozen(target)) return false;
  if (target.k === 'call' || target.k === 'unknown' || target.k === 'global' || target.k === 'ext' || target.k === 'persid') return false;
  if (target.k !== what && !(what === 'list' && target.k === 'set')) throw new PickleError(`${what === 'dict' ? 'SETITEM on' : 'APPEND to'} a ${target.k}`, at);
  return true;
}

export function addItems(target: Value, stack: Stack, from: number, to: number, at: number): void {
  if (!mutable(target, 'list', at) || (target.k !== 'list' && target.k !== 'set')) return;
  const items = target.items;
  for (let i = from; i < to; i++) {
    if (items.length >= CONTAINER_CAP) {
      target.truncated = true;
      return;
    }
    items.push(stack[i] as Value);
  }
}

export function setItems(target: Value, stack: Stack, from: number, to: number, at: number): void {
  if ((to - from) % 2 !== 0) throw new PickleError('odd number of items for a dict', at);
  if (!mutable(target, 'dict', at) || target.k !== 'dict') return;
  const kv = target.kv;
  for (let i = from; i < to; i += 2) {
    if (kv.length >= 2 * CONTAINER_CAP) {
      target.truncated = true;
      return;
    }
    kv.push(stack[i] as Value, stack[i + 1] as Value);
  }
}
