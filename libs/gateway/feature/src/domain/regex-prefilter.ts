import { regexShape } from './regex-literals';
import { setSize as size, subset, type Shape } from './regex-shape';

/**
 * A necessary condition for a pattern to match one text (a name or a README, as UTF-8), derived from the parsed
 * pattern (domain/regex-shape.ts) for the held-text scan (domain/joined-scan.ts): a text it turns away cannot
 * match, so only the texts it lets through are scanned. It reads the held bytes directly, so it needs no per-text
 * sketch. Conditions, each used only where the shape proves it:
 *
 * - `^…$` (single-line: the whole text is the match): the text's length in code points is within the match's
 *   bounds (`^.{3}$` only looks at texts of 3 code points).
 * - Anchored at the start (end) with a non-empty match: the text's first (last) byte is one the match's first
 *   (last) character can start (end) with (`(a+)+$` only looks at texts ending in `a`).
 * - A required pair of adjacent characters (`[0-9]x`, `ab`, `\d\d`): the text holds such a pair of bytes.
 * - Required characters or small classes (`.x`, `a.b`, `[xy]`, `(ab|cb)`): the text holds one byte of each, found
 *   with indexOf (memchr). All small sets are looked for: which byte is rare in the texts is not known, and a hit on
 *   a common byte comes early and costs little. A set is skipped when a chosen pair finds a byte of it natively.
 *
 * Patterns with inline flags (`(?i)`, `(?m)`, `(?s)`) or syntax the parser does not model get no condition (null),
 * and the scan looks at every text as before.
 */
export type TextTest = (text: Uint8Array) => boolean;

/** Pair checks cost a pass over the text each; a few of the most selective are enough. */
const MAX_PAIRS = 2;
/** A required set is looked for with one native indexOf per byte; larger sets (`\d`, `\w`) would let most texts through anyway. */
const MAX_REQUIRED_BYTES = 4;
/** Each set costs up to a pass over the text; the patterns this serves rarely require more than a few. */
const MAX_REQUIRED_SETS = 3;

export function textPrefilter(pattern: string): TextTest | null {
  const shape = regexShape(pattern);
  return shape === null ? null : prefilterOf(shape);
}

export function prefilterOf(shape: Shape): TextTest | null {
  const tests: TextTest[] = [];
  if (shape.start && shape.end && (shape.min > 0 || shape.max < Infinity)) tests.push(lengthWithin(shape.min, shape.max));
  const first = shape.min > 0 && shape.start ? shape.first : null;
  if (first !== null) tests.push((t) => t.length > 0 && first[t[0] as number] === 1);
  const last = shape.min > 0 && shape.end ? shape.last : null;
  if (last !== null) tests.push((t) => t.length > 0 && last[t[t.length - 1] as number] === 1);
  const pairs = [...shape.pairs].sort((x, y) => weight(x) - weight(y)).slice(0, MAX_PAIRS).filter(([a, b]) => size(a) < 256 || size(b) < 256);
  const native = pairs.flatMap(([a, b]) => [a, b].filter((side) => size(side) === 1));
  // An empty set (a class the parse saw no member of) is left alone rather than trusted to turn every text away.
  const required = shape.required
    .filter((set) => size(set) > 0 && size(set) <= MAX_REQUIRED_BYTES && !native.some((side) => subset(side, set)))
    .sort((x, y) => size(x) - size(y))
    .filter((set, i, all) => all.findIndex((other) => subset(other, set) && subset(set, other)) === i)
    .slice(0, MAX_REQUIRED_SETS);
  // Before the pairs: a memchr miss turns a text away before any pair loop runs.
  for (const set of required) tests.push(anyByteOf(set));
  for (const [a, b] of pairs) tests.push(pairTest(a, b));
  if (tests.length === 0) return null;
  const min = shape.min;
  return (t) => t.length >= min && tests.every((test) => test(t));
}

/** Code points (UTF-8 bytes that do not continue a character) within [min, max]. */
function lengthWithin(min: number, max: number): TextTest {
  return (t) => {
    if (t.length < min || t.length > max * 4) return false;
    if (t.length >= min * 4 && t.length <= max) return true; // n bytes hold n/4 to n code points
    let points = 0;
    for (let i = 0; i < t.length; i++) if (((t[i] as number) & 0xc0) !== 0x80) points++;
    return points >= min && points <= max;
  };
}

/** Some byte in a directly followed by a byte in b; a single-byte side is found with indexOf (native). */
function pairTest(a: Uint8Array, b: Uint8Array): TextTest {
  const onlyB = only(b);
  if (onlyB !== null) {
    return (t) => {
      for (let i = t.indexOf(onlyB, 1); i > 0; i = t.indexOf(onlyB, i + 1)) if (a[t[i - 1] as number] === 1) return true;
      return false;
    };
  }
  const onlyA = only(a);
  if (onlyA !== null) {
    return (t) => {
      for (let i = t.indexOf(onlyA); i >= 0 && i + 1 < t.length; i = t.indexOf(onlyA, i + 1)) if (b[t[i + 1] as number] === 1) return true;
      return false;
    };
  }
  return (t) => {
    for (let i = 0; i + 1 < t.length; i++) if (a[t[i] as number] === 1 && b[t[i + 1] as number] === 1) return true;
    return false;
  };
}

/** The text holds a byte of `set` (at most MAX_REQUIRED_BYTES of them, each found natively). */
function anyByteOf(set: Uint8Array): TextTest {
  const bytes: number[] = [];
  set.forEach((v, b) => v === 1 && bytes.push(b));
  return (t) => bytes.some((b) => t.indexOf(b) >= 0);
}

function only(set: Uint8Array): number | null {
  return size(set) === 1 ? set.indexOf(1) : null;
}

/** How much a pair lets through, roughly: pairs with a single byte (found natively) and small sets go first. */
function weight([a, b]: readonly [Uint8Array, Uint8Array]): number {
  return Math.min(size(a), size(b)) * 256 + size(a) + size(b);
}
