import type { Value } from './values';

/**
 * Compact stand-ins for old memo entries. Everything a container or call holds was analysed when it was
 * created (imports, calls, bytes handed to calls), so once a memoized value is old only what a later opcode
 * can still learn from it matters: its kind, and for a call its callee.
 */

const FROZEN = {
  dict: Object.freeze({ k: 'dict', kv: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
  list: Object.freeze({ k: 'list', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
  tuple: Object.freeze({ k: 'tuple', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
  set: Object.freeze({ k: 'set', items: Object.freeze([]) as unknown as Value[], truncated: true }) as Value,
};

export type FrozenKind = keyof typeof FROZEN;

/** The shared, frozen, empty container of a kind (mutating opcodes ignore frozen targets). */
export function frozenOf(kind: FrozenKind): Value {
  return FROZEN[kind];
}

function scalar(v: Value): boolean {
  const k = v.k;
  return k === 'str' || k === 'int' || k === 'float' || k === 'bool' || k === 'none';
}

/** Callees whose calls must stay whole: joblib sizes array data from a memoized numpy.dtype(...) + BUILD. */
const KEEP_CALLS = new Set(['numpy.dtype', 'numpy.core.multiarray._reconstruct', 'joblib.numpy_pickle.NumpyArrayWrapper']);

/** Plain data: scalars, frozen containers, globals and small tuples/persids of those (never bytes). */
function plain(v: Value, depth: number): boolean {
  if (scalar(v) || v.k === 'global' || Object.isFrozen(v)) return true;
  if (depth >= 2) return false;
  if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') return v.items.every((x) => plain(x, depth + 1));
  if (v.k === 'dict') return v.kv.every((x) => plain(x, depth + 1));
  if (v.k === 'persid') return plain(v.pid, depth + 1);
  return false;
}

/**
 * 'frozen': a container holding only scalars (becomes `frozenOf(kind)`); 'shell': a call of a plain global with
 * plain arguments and state (becomes the shared shell of its callee); undefined: keep as is.
 */
export function compactable(v: Value): 'frozen' | 'shell' | undefined {
  // Indexed loops: this runs for every memoized container of a big pickle (iterator destructuring cost ~6%).
  if (v.k === 'dict') {
    const kv = v.kv;
    for (let i = 0; i < kv.length; i++) if (!scalar(kv[i])) return undefined;
    return 'frozen';
  }
  if (v.k === 'list' || v.k === 'tuple' || v.k === 'set') {
    const items = v.items;
    for (let i = 0; i < items.length; i++) if (!scalar(items[i])) return undefined;
    return 'frozen';
  }
  if (v.k !== 'call' || v.fn.k !== 'global' || KEEP_CALLS.has(`${v.fn.module}.${v.fn.name}`)) return undefined;
  if (!plain(v.args, 0) || (v.kwargs && !plain(v.kwargs, 0)) || (v.state && !plain(v.state, 0))) return undefined;
  return 'shell';
}

/** The shared stand-in for a compactable call: same callee and opcode, no arguments, frozen. */
export function shellOf(v: Extract<Value, { k: 'call' }>): { key: string; shell: Value } {
  const fn = v.fn.k === 'global' ? `${v.fn.module}\u0000${v.fn.name}` : '?';
  return { key: `${fn}\u0000${v.op}`, shell: Object.freeze({ k: 'call', fn: v.fn, args: FROZEN.tuple, op: v.op }) as Value };
}
