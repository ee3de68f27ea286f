import type { Value } from './values';

/**
 * Arguments that make an ALLOWED callable exhaust the loading process (issue 16, class 3). The allowlist says a
 * callable runs no code; it does not say the call is cheap. Real pickles never need these sizes: numpy writes
 * `_reconstruct(ndarray, (0,), b'b')` and grows the array from the bytes that follow (numpy/_core/src/
 * multiarray/methods.c array_reduce), torch sizes storages from zip records, and Python's pickler writes
 * bytes/bytearray from their content, never from a length.
 */
export const MAX_ALLOC_BYTES = 256 * 2 ** 20;
/** CPython's default `sys.get_int_max_str_digits()` (3.11+); older versions parse longer digit strings in quadratic time (CVE-2020-10735). */
export const INT_MAX_STR_DIGITS = 4300;

const SIZED = new Set(['builtins.bytearray', 'builtins.bytes', '__builtin__.bytearray', '__builtin__.bytes']);
const MATERIALISE = new Set([
  'list', 'tuple', 'set', 'frozenset', 'bytearray', 'bytes', 'dict',
].flatMap((n) => [`builtins.${n}`, `__builtin__.${n}`]).concat(['collections.deque', 'collections.OrderedDict', 'collections.Counter']));
const RANGES = new Set(['builtins.range', '__builtin__.xrange', '__builtin__.range']);
const DIGITS = new Set(['builtins.int', '__builtin__.int', '__builtin__.long', 'fractions.Fraction', 'decimal.Decimal']);
const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);

const nameOf = (v: Value | undefined): string => (v?.k === 'global' ? `${v.module}.${v.name}` : '');
const argsOf = (v: Value): Value[] => (v.k === 'tuple' || v.k === 'list' ? v.items : []);
/** An integer too large to decode (LONG over 7 bytes) counts as huge. */
const intOf = (v: Value | undefined): number | undefined => (v?.k === 'int' ? (v.v ?? Number.POSITIVE_INFINITY) : undefined);

/** Returns why `fn(*args)` would exhaust the loader, or undefined. */
export function exhaustionOf(fn: Value, args: Value): string | undefined {
  const name = nameOf(fn);
  const a = argsOf(args);
  if (SIZED.has(name)) {
    const n = intOf(a[0]);
    if (n !== undefined && n > MAX_ALLOC_BYTES) return `${name}(${n}) allocates ${n} bytes`;
  }
  if (MATERIALISE.has(name) && a[0]?.k === 'call' && RANGES.has(nameOf(a[0].fn))) {
    const r = argsOf(a[0].args).map(intOf);
    const [start, stop] = r.length >= 2 ? [r[0] ?? 0, r[1]] : [0, r[0]];
    if (stop !== undefined && stop - start > MAX_ALLOC_BYTES / 8) return `${name}(range(…)) materialises ${stop - start} items`;
  }
  if (DIGITS.has(name)) {
    const s = a[0];
    const len = s?.k === 'str' ? s.v.length : s?.k === 'bytes' ? s.len : 0;
    if (len > INT_MAX_STR_DIGITS) return `${name} of a ${len}-character string (quadratic parse before CPython 3.11, CVE-2020-10735)`;
  }
  if (RECONSTRUCT.has(name) && a[1]?.k === 'tuple') {
    const dims = a[1].items.map(intOf);
    const count = dims.reduce<number>((p, d) => p * (d === undefined ? 0 : Math.max(0, d)), 1);
    if (count > MAX_ALLOC_BYTES) return `${name} with shape (${dims.join(', ')}) allocates ${count} elements before any data is read`;
  }
  return undefined;
}

/**
 * Memo indices a pickler never writes: CPython's Unpickler grows its memo list to twice the largest index PUT
 * (Modules/_pickle.c _Unpickler_MemoPut / _Unpickler_ResizeMemoList), so one LONG_BINPUT of 2**32-2 asks for a
 * 32 GiB array. Picklers assign indices in order (len(memo)), so a jump far ahead of the count is hostile.
 */
export function memoJumpOf(index: number, count: number): string | undefined {
  return index > 1 << 24 && index > count * 2 + 1024 ? `memo index ${index} with ${count} entries stored: the unpickler sizes its memo table by the index` : undefined;
}
