/**
 * Damerau-Levenshtein distance (optimal string alignment) with QWERTY-adjacent substitutions costing less: a slip of
 * the finger onto the neighbouring key is the typo a squatter bets on. Three rolling rows keep memory linear, and the
 * computation stops as soon as every cell of a row exceeds the bound.
 */

const QWERTY_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** The cost of typing one key for the other: half for a neighbouring key (same row ±1, or the rows above/below). */
export const ADJACENT_KEY_COST = 0.5;

/** Every ordered pair of touching keys, precomputed: the distance loop asks once per mismatching cell. */
const ADJACENT_PAIRS: ReadonlySet<string> = (() => {
  const pairs = new Set<string>();
  QWERTY_ROWS.forEach((row, r) =>
    [...row].forEach((key, c) => {
      // Staggered rows: a key touches its row neighbours and the keys at the same index and one over on the next row.
      const touching = [row[c - 1], row[c + 1], QWERTY_ROWS[r + 1]?.[c - 1], QWERTY_ROWS[r + 1]?.[c], QWERTY_ROWS[r + 1]?.[c + 1]];
      for (const other of touching) {
        if (other === undefined) continue;
        pairs.add(key + other);
        pairs.add(other + key);
      }
    }),
  );
  return pairs;
})();

export function keyboardAdjacent(a: string, b: string): boolean {
  return ADJACENT_PAIRS.has(a + b);
}

/**
 * Weighted distance between `a` and `b`, or `Infinity` once it must exceed `bound`. `weighted: false` gives the
 * plain edit count (every substitution 1), used to say in a reason whether keyboard adjacency lowered the cost.
 * Only the diagonal band |i - j| <= bound is computed: a cell outside it needs more than `bound` insertions or
 * deletions, so each row costs O(bound), not O(|b|).
 */
export function boundedDamerauLevenshtein(a: string, b: string, bound: number, weighted = true): number {
  if (Math.abs(a.length - b.length) > bound) return Infinity;
  const band = Math.floor(bound);
  let before = new Array<number>(b.length + 1).fill(Infinity);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(Infinity);
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - band);
    const hi = Math.min(b.length, i + band);
    // Sentinels either side of the band, so stale cells from the row this array held before read as unreachable.
    current[lo - 1] = lo === 1 ? i : Infinity;
    if (hi < b.length) current[hi + 1] = Infinity;
    let rowMin = lo === 1 ? i : Infinity;
    for (let j = lo; j <= hi; j++) {
      const ca = a[i - 1];
      const cb = b[j - 1];
      const substitution = ca === cb ? 0 : weighted && keyboardAdjacent(ca, cb) ? ADJACENT_KEY_COST : 1;
      let cell = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution);
      if (i > 1 && j > 1 && ca === b[j - 2] && a[i - 2] === cb) cell = Math.min(cell, before[j - 2] + 1);
      current[j] = cell;
      rowMin = Math.min(rowMin, cell);
    }
    if (rowMin > bound) return Infinity;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] <= bound ? previous[b.length] : Infinity;
}
