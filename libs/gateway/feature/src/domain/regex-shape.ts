/**
 * What every match of a regex looks like beyond its literals (domain/regex-literals.ts builds it while it parses):
 * how many code points a match spans, which bytes its first and last characters can start or end with, whether it
 * is tied to the start or end of the text, which pairs of adjacent characters and which single characters it must contain. The search's
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
  /** Each set: every match holds a byte in it (a required character or class, `x` or `[xy]`). */
  required: ReadonlyArray<Uint8Array>;
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
export const charShape = (set: ByteSet): Shape => ({
  min: 1,
  max: 1,
  first: set,
  last: set,
  start: false,
  end: false,
  pairs: [],
  required: set === null ? [] : [set],
});

/** A zero-width assertion; `^` and `$` (and `\A`, `\z`) tie the match to the text's edges in single-line mode. */
export const assertionShape = (start: boolean, end: boolean): Shape => ({ min: 0, max: 0, first: NONE, last: NONE, start, end, pairs: [], required: [] });

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
  const required: Uint8Array[] = [];
  let previous: Shape | null = null; // the last item that can consume a character
  for (const item of items) {
    min += item.min;
    max += item.max;
    if (!firstDone) first = union(first, item.first);
    if (item.min > 0) firstDone = true;
    if (item.start && previous === null) start = true;
    pairs.push(...item.pairs);
    required.push(...item.required);
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
  return { min, max, first, last, start, end, pairs, required };
}

/**
 * A match holds only one branch's pairs and characters, so only what every branch requires is kept: a pair or set
 * of branch 0 that every other branch requires a subset of, and the union of each branch's smallest required set
 * (a match of branch i holds a byte of its set, so of the union). A branch requiring nothing (`a|`) drops them all.
 */
export function alternationShape(branches: readonly Shape[]): Shape {
  return {
    min: Math.min(...branches.map((b) => b.min)),
    max: Math.max(...branches.map((b) => b.max)),
    first: branches.map((b) => b.first).reduce(union),
    last: branches.map((b) => b.last).reduce(union),
    start: branches.every((b) => b.start),
    end: branches.every((b) => b.end),
    pairs: commonPairs(branches),
    required: commonRequired(branches),
  };
}

function commonPairs(branches: readonly Shape[]): Array<readonly [Uint8Array, Uint8Array]> {
  const [head, ...rest] = branches;
  if (head === undefined) return [];
  return head.pairs.filter(([a, b]) => rest.every((r) => r.pairs.some(([c, d]) => subset(c, a) && subset(d, b))));
}

function commonRequired(branches: readonly Shape[]): Uint8Array[] {
  const [head, ...rest] = branches;
  if (head === undefined || branches.some((b) => b.required.length === 0)) return [];
  const shared = head.required.filter((set) => rest.every((r) => r.required.some((other) => subset(other, set))));
  let smallest: ByteSet = NONE;
  for (const branch of branches) smallest = union(smallest, branch.required.reduce((x, y) => (setSize(y) < setSize(x) ? y : x)));
  return smallest === null ? shared : [...shared, smallest];
}

export function subset(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 256; i++) if (a[i] === 1 && b[i] !== 1) return false;
  return true;
}

export function setSize(set: ByteSet): number {
  if (set === null) return 256;
  let n = 0;
  for (let i = 0; i < 256; i++) n += set[i] as number;
  return n;
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
    required: min === 0 ? [] : atom.required,
  };
}
