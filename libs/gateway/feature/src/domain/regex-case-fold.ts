/**
 * Characters a case-insensitive literal cannot be looked up by. The trigram sketch (trigram-sketch.ts) folds ASCII
 * letters only, and in RE2 (?i)k also matches the Kelvin sign (U+212A) and (?i)s the long s (U+017F), the only ASCII
 * letters whose case folding leaves ASCII (checked against re2-wasm over every code point); characters outside ASCII
 * are not folded by the sketch at all.
 */
const NOT_FOLDED_BY_SKETCH = /[kKsS\u0080-\u{10FFFF}]/u;

/**
 * The literal query of a case-insensitive pattern (`(?i)`), from the one its literals give case-sensitively. A match
 * contains some casing of each literal, and the sketch finds every casing of an ASCII literal. So each literal is cut
 * at the characters the sketch cannot fold, and its longest piece stands for it: a match contains that piece in some
 * casing. A set whose piece is too short constrains nothing, and trigramQueryOf drops it.
 */
export function caseFolded(query: ReadonlyArray<ReadonlyArray<string>>): string[][] {
  return query.map((set) => set.map(longestPiece));
}

function longestPiece(literal: string): string {
  let best = '';
  for (const piece of literal.split(NOT_FOLDED_BY_SKETCH)) if (piece.length > best.length) best = piece;
  return best;
}
