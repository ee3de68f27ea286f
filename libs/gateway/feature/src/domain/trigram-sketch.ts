import type { LiteralQuery } from './regex-literals';

/**
 * A per-document bitset of the trigrams (three UTF-16 code units, ASCII letters folded to lower case) its texts
 * contain: a Bloom filter with one hash, so "might contain" can be wrong and "does not contain" never is. About four
 * bits per distinct trigram (a 600-character README takes 256 bytes) keeps a false hit per trigram near 22%, and a
 * literal of n characters checks n - 2 trigrams, so a 10-character literal lets through about 1 in 180,000
 * documents that lack it. Texts are hashed separately, so no trigram spans the name and the README.
 */
export type TrigramSketch = Uint32Array;

const MIN_BITS = 64;
const MAX_BITS = 1 << 16; // 8 KiB: a 256 KiB README saturates it and simply stays a candidate for every query
const BITS_PER_TRIGRAM = 4;

/** A literal query compiled to trigram hashes: AND over sets, OR over literals, AND over a literal's trigrams. */
export type TrigramQuery = ReadonlyArray<ReadonlyArray<readonly number[]>>;

export function sketchOf(texts: ReadonlyArray<string | null>): TrigramSketch {
  const hashes = new Set<number>();
  for (const text of texts) if (text !== null) forEachTrigram(text, (h) => hashes.add(h));
  let bits = MIN_BITS;
  while (bits < hashes.size * BITS_PER_TRIGRAM && bits < MAX_BITS) bits *= 2;
  const sketch = new Uint32Array(bits / 32);
  for (const h of hashes) {
    const bit = h & (bits - 1);
    sketch[bit >>> 5] = (sketch[bit >>> 5] as number) | (1 << (bit & 31));
  }
  return sketch;
}

/**
 * Keeps the OR-sets whose every literal has a trigram; a set with a shorter literal constrains nothing a trigram
 * can test. Null when nothing is left (the search must look at every document).
 */
export function trigramQueryOf(literals: LiteralQuery): TrigramQuery | null {
  const sets: number[][][] = [];
  for (const set of literals) {
    if (set.length === 0 || set.some((literal) => literal.length < 3)) continue;
    sets.push(set.map((literal) => {
      const hashes: number[] = [];
      forEachTrigram(literal, (h) => hashes.push(h));
      return [...new Set(hashes)];
    }));
  }
  return sets.length === 0 ? null : sets;
}

export function mightMatch(sketch: TrigramSketch, query: TrigramQuery): boolean {
  const mask = sketch.length * 32 - 1;
  return query.every((set) =>
    set.some((literal) =>
      literal.every((h) => {
        const bit = h & mask;
        return ((sketch[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
      }),
    ),
  );
}

function forEachTrigram(text: string, add: (hash: number) => void): void {
  if (text.length < 3) return;
  let a = fold(text.charCodeAt(0));
  let b = fold(text.charCodeAt(1));
  for (let i = 2; i < text.length; i++) {
    const c = fold(text.charCodeAt(i));
    add(mix(a * 0x10000 + b, c));
    a = b;
    b = c;
  }
}

function fold(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** A 32-bit hash of three code units (murmur3's finaliser over a simple combination): the low bits are well spread. */
function mix(ab: number, c: number): number {
  let h = Math.imul(ab | 0, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
