/**
 * What every match of a regex looks like beyond its literals (domain/regex-literals.ts builds it while it parses):
 * how many code points a match spans, which bytes its first and last characters can start or end with, whether it
 * is tied to the start or end of the text, and which pairs of adjacent characters it must contain. The search's
 * prefilter (domain/regex-prefilter.ts) turns this into a per-text test for patterns without a 3-character literal.
 *
 * Every field may only say less than the truth, never more: a byte set may hold bytes no match uses, a pair list
 * may leave out pairs, an anchor flag may be false for an anchored pattern. A byte set is indexed by UTF-8 byte; a
 * non-ASCII character is represented by every byte from 0x80 up, so a set never has to model UTF-8 lead bytes.
 */
export type ByteSet = Uint8Array | null; // 256 entries, 1 = the byte may occur there; null: any byte

export interface Shape {
  /** Code points a match spans, at least and at most (Infinity: unbounded). */
  min: number;
  max: number;
  /** Bytes a non-empty match's first character can start with, and its last character can end with. */
  first: ByteSet;
  last: ByteSet;
  /** Every match starts at the start of the text (`^`, `\A` without multi-line mode) / ends at its end. */
  start: boolean;
  end: boolean;
  /** Each [a, b]: every match holds a byte in a directly followed by a byte in b. */
  pairs: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
}

const NONE = new Uint8Array(256);

export function bytesOf(ranges: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const set = new Uint8Array(256);
  for (const [lo, hi] of ranges) {
    if (hi >= 0x80) set.fill(1, 0x80, 256); // a non-ASCII code point: stand in with every high byte
    for (let c = lo; c <= Math.min(hi, 0x7f); c++) set[c] = 1;
  }
  return set;
}

const DIGIT = bytesOf([[0x30, 0x39]]);
const WORD = bytesOf([[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]]);

/** One character from `set`. */
export const charShape = (set: ByteSet): Shape => ({ min: 1, max: 1, first: set, last: set, start: false, end: false, pairs: [] });

/** A zero-width assertion; `^` and `$` (and `\A`, `\z`) tie the match to the text's edges in single-line mode. */
export const assertionShape = (start: boolean, end: boolean): Shape => ({ min: 0, max: 0, first: NONE, last: NONE, start, end, pairs: [] });

export const literalShape = (c: string): Shape => {
  const code = c.codePointAt(0) ?? 0;
  return charShape(bytesOf([[code, code]]));
};

/** The shape of a single-letter escape (`\d`, `\b`, ...); the parser has already refused the ones it does not model. */
export function escapeShape(e: string): Shape {
  if (e === 'd') return charShape(DIGIT);
  if (e === 'w') return charShape(WORD);
  if (e === 'b' || e === 'B') return assertionShape(false, false);
  if (e === 'A') return assertionShape(true, false);
  if (e === 'z') return assertionShape(false, true);
  return charShape(null); // \D, \W, \s, \S and control-character escapes: any byte, to stay on the safe side
}

/**
 * A bracket class's characters from its body (what lies between `[` and `]`, the parser having found the end).
 * Only plain characters, ranges of plain characters, escaped punctuation, `\d` and `\w` are modelled; anything else
 * makes the class "any byte", and so does negation unless every member was modelled exactly.
 */
export function classShape(body: readonly string[], negated: boolean): Shape {
  const ranges: Array<[number, number]> = [];
  const extra: Uint8Array[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\') {
      const e = body[++i] ?? '';
      if (e === 'd' || e === 'w') extra.push(e === 'd' ? DIGIT : WORD);
      else if (/^[A-Za-z0-9]$/.test(e) || e === '') return charShape(null);
      else {
        const range = rangeFrom(e, body, i, (to) => (i = to));
        if (range === null) return charShape(null);
        ranges.push(range);
      }
      continue;
    }
    if (c === '[') return charShape(null);
    const range = rangeFrom(c, body, i, (to) => (i = to));
    if (range === null) return charShape(null);
    ranges.push(range);
  }
  const set = bytesOf(ranges);
  for (const more of extra) for (let b = 0; b < 256; b++) set[b] = (set[b] as number) | (more[b] as number);
  if (!negated) return charShape(set);
  const complement = new Uint8Array(256);
  for (let b = 0; b < 0x80; b++) complement[b] = set[b] === 1 ? 0 : 1;
  complement.fill(1, 0x80, 256);
  return charShape(complement);
}

/** `c` alone, or `c-d` when a plain `d` follows the dash; null for an escaped end (not modelled). */
function rangeFrom(c: string, body: readonly string[], i: number, moveTo: (to: number) => void): [number, number] | null {
  const lo = c.codePointAt(0) ?? 0;
  if (body[i + 1] !== '-' || i + 2 >= body.length) return [lo, lo];
  const end = body[i + 2] as string;
  moveTo(i + 2);
  if (end === '\\' || end === '[') return null;
  return [lo, end.codePointAt(0) ?? 0x10ffff];
}

function union(a: ByteSet, b: ByteSet): ByteSet {
  if (a === null || b === null) return null;
  const out = new Uint8Array(256);
  for (let i = 0; i < 256; i++) out[i] = (a[i] as number) | (b[i] as number);
  return out;
}

export function sequenceShape(items: readonly Shape[]): Shape {
  let min = 0;
  let max = 0;
  let first: ByteSet = NONE;
  let firstDone = false;
  let start = false;
  const pairs: Array<readonly [Uint8Array, Uint8Array]> = [];
  let previous: Shape | null = null; // the last item that can consume a character
  for (const item of items) {
    min += item.min;
    max += item.max;
    if (!firstDone) first = union(first, item.first);
    if (item.min > 0) firstDone = true;
    if (item.start && previous === null) start = true;
    pairs.push(...item.pairs);
    if (item.max === 0) continue;
    if (previous !== null && previous.min > 0 && item.min > 0 && previous.last !== null && item.first !== null) {
      pairs.push([previous.last, item.first]);
    }
    previous = item;
  }
  let last: ByteSet = NONE;
  let end = false;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Shape;
    last = union(last, item.last);
    if (item.min > 0) break;
  }
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Shape;
    if (item.end) end = true;
    if (item.end || item.max > 0) break;
  }
  return { min, max, first, last, start, end, pairs };
}

/** Pairs are dropped: a match holds only one branch's. */
export function alternationShape(branches: readonly Shape[]): Shape {
  return {
    min: Math.min(...branches.map((b) => b.min)),
    max: Math.max(...branches.map((b) => b.max)),
    first: branches.map((b) => b.first).reduce(union),
    last: branches.map((b) => b.last).reduce(union),
    start: branches.every((b) => b.start),
    end: branches.every((b) => b.end),
    pairs: [],
  };
}

export function repeatedShape(atom: Shape, min: number, max: number): Shape {
  const pairs = min === 0 ? [] : [...atom.pairs];
  if (min >= 2 && atom.min > 0 && atom.last !== null && atom.first !== null) pairs.push([atom.last, atom.first]);
  return {
    min: atom.min * min,
    max: atom.max === 0 || max === 0 ? 0 : atom.max * max,
    first: atom.first,
    last: atom.last,
    start: min > 0 && atom.start,
    end: min > 0 && atom.end,
    pairs,
  };
}
