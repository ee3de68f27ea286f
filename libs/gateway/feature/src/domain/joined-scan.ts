import { RE2 } from 're2-wasm';
import { ClientError } from './client-error';
import { textPrefilter } from './regex-prefilter';
import { codePointsOf, narrowedView, type HeldTexts } from './search-texts';

/**
 * Regex search over texts held in memory (domain/search-texts.ts) for patterns the trigram sketch cannot narrow.
 * Calling RE2 (re2-wasm) once per text costs a few microseconds of call overhead each; instead the texts are
 * joined with `\n` into windows of up to a MiB and searched once per window with the same pattern in multi-line
 * mode. That finds a superset of the texts that match on their own:
 *
 * - A match inside text T is also a match of the window at the same place: the characters are the same, `^` and
 *   `$` match at least where they did (at a text's start and end the window has a `\n` or its own edge), and `\b`,
 *   `\B` see a non-word neighbour either way (`\n` or nothing). Syntax that breaks this (`\A`, `\z`, inline flags
 *   that switch multi-line mode off) is refused by joinedScanSafe() and the caller scans per text instead.
 * - RE2 returns the leftmost match. If it starts at p, no match starts before p, so no text ending before p
 *   matches; every text the match touches (it may run across `\n` into others) becomes a candidate, and the
 *   search goes on from the text after the last one touched. A window ends at a text boundary, so cutting there
 *   loses nothing either: a text's own match lies wholly inside its window.
 *
 * Candidates are then read from the database and tested one text at a time with the original pattern, so the
 * answer is exactly the per-text answer. When matches are dense the per-window calls cost more than per-text
 * calls, so the scan times both kinds of call and keeps using the cheaper.
 */
export const MAX_WINDOW_BYTES = 1 << 20; // re2-wasm's heap is a fixed 16 MiB: the window, a copy of the match and RE2's DFA cache
const MIN_WINDOW_BYTES = 16 << 10;
/** The scan lets other requests run this often: a 100,000-artifact scan takes most of the 1 s budget. */
const YIELD_EVERY_MS = 10;
/** Every this many windows the scan tries the mode it is not using, in case the other has become cheaper. */
const REPROBE_EVERY = 16;

/** True when the superset argument above holds for the pattern (conservatively: unsure means false). */
export function joinedScanSafe(pattern: string): boolean {
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      const e = chars[i + 1];
      // \A and \z look at the input's edges, not at line ends; \C matches single bytes, which would break the
      // code-point positions re2-wasm reports.
      if (e === 'A' || e === 'z' || e === 'C') return false;
      i++;
    } else if (c === '(' && chars[i + 1] === '?' && chars[i + 2] !== 'P' && chars[i + 2] !== '<') {
      // Inline flags such as (?-m) or (?m:…) decide how ^ and $ behave: anything naming m is refused.
      let j = i + 2;
      while (j < chars.length && chars[j] !== ':' && chars[j] !== ')') {
        if (chars[j] === 'm') return false;
        j++;
      }
    }
  }
  return true;
}

interface ByteMatch {
  /** Code points from the input's start to the match. */
  index: number;
  /** Code points in the match. */
  length: number;
}

/** re2-wasm's embind object: it takes a Uint8Array as the UTF-8 input, sparing a re-encoding of each window. */
interface Wrapped {
  match(input: Uint8Array, start: number, captureGroups: boolean): { index: number; match: string };
}

function wrappedOf(regex: RE2): Wrapped | null {
  const inner = (regex as unknown as { wrapper?: Partial<Wrapped> }).wrapper;
  return typeof inner?.match === 'function' ? (inner as Wrapped) : null;
}

function matcherOf(regex: RE2): (bytes: Uint8Array) => ByteMatch | null {
  const wrapped = wrappedOf(regex);
  if (wrapped !== null) {
    return (bytes) => {
      const m = wrapped.match(bytes, 0, false);
      return m.index < 0 ? null : { index: m.index, length: codePointsOf(m.match) };
    };
  }
  // A re2-wasm without the embind object (another release): the public API on the decoded text, same positions.
  return (bytes) => {
    regex.lastIndex = 0;
    const m = regex.exec(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    return m === null ? null : { index: m.index, length: codePointsOf(m[0] ?? '') };
  };
}

/** Exposed for the tests: true when the fast byte path (not the fallback) is in use. */
export function usesByteInput(regex: RE2): boolean {
  return wrappedOf(regex) !== null;
}

export interface JoinedScanOptions {
  /** Date.now() past which the search answers 400, as a per-text scan would. */
  deadline: number;
  /** Stop and return null once more candidates than this are found (the caller then scans the table). */
  limit: number;
  /** Tests pin one kind of call; the search lets the scan choose. */
  only?: Mode;
}

export type Mode = 'joined' | 'single';

/**
 * Ids of the held artifacts whose name or README may match `pattern` (a superset of those that do), or null when
 * there are more than `limit`. The pattern must have compiled already and passed joinedScanSafe().
 */
export async function joinedScan(texts: HeldTexts, pattern: string, options: JoinedScanOptions): Promise<string[] | null> {
  const joined = matcherOf(new RE2(pattern, 'mu'));
  const single = matcherOf(new RE2(pattern, 'u'));
  const found: string[] = [];
  const spent: Record<Mode, { ms: number; texts: number }> = { joined: { ms: 0, texts: 0 }, single: { ms: 0, texts: 0 } };
  let largest = 0;
  for (let i = 0; i < texts.count; i++) largest = Math.max(largest, texts.bytes(i));
  const window = Buffer.allocUnsafe(Math.max(MAX_WINDOW_BYTES, largest));
  let width = MAX_WINDOW_BYTES / 4;
  let round = 0;
  let ranSince = performance.now();
  for (let from = 0; from < texts.count; round++) {
    if (performance.now() - ranSince > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      ranSince = performance.now();
    }
    if (Date.now() > options.deadline) throw new ClientError(400, 'regex search exceeded its time budget; use a more specific pattern');
    const mode = options.only ?? modeFor(round, spent);
    const started = performance.now();
    const end = windowEnd(texts, from, width);
    let next = end;
    if (mode === 'single') {
      for (let k = from; k < end; k++) {
        const readme = texts.readme(k);
        if (single(texts.name(k)) !== null || (readme !== null && single(readme) !== null)) found.push(texts.id(k));
      }
    } else {
      // Join the texts with `\n`; starts[k] is the code point where text from+k begins.
      let bytes = 0;
      let cps = 0;
      const starts: number[] = [];
      for (let k = from; k < end; k++) {
        if (k > from) {
          window[bytes++] = 0x0a;
          cps++;
        }
        starts.push(cps);
        texts.copyTo(k, window, bytes);
        bytes += texts.bytes(k);
        cps += texts.codePoints(k);
      }
      const m = joined(window.subarray(0, bytes));
      if (m === null) {
        width = Math.min(MAX_WINDOW_BYTES, width * 2);
      } else {
        // Every text whose span [start, start + codePoints] (its trailing `\n` or the window's end included)
        // meets the match [index, index + length] is a candidate; the next window starts after the last of them.
        let last = -1;
        for (let k = 0; k < starts.length; k++) {
          const s = starts[k] as number;
          if (s + texts.codePoints(from + k) < m.index) continue;
          if (s > m.index + m.length) break;
          found.push(texts.id(from + k));
          last = k;
        }
        if (last < 0) for (let k = from; k < end; k++) found.push(texts.id(k)); // cannot happen; stay a superset
        else next = from + last + 1;
        width = Math.max(MIN_WINDOW_BYTES, width / 4);
      }
    }
    spent[mode].ms += performance.now() - started;
    spent[mode].texts += next - from;
    if (found.length > options.limit) return null;
    from = next;
  }
  return found;
}

/**
 * joinedScan() over only the texts whose name or README passes the pattern's prefilter (domain/regex-prefilter.ts):
 * the same candidates, less the artifacts that cannot match. Without a prefilter, every held text is scanned.
 */
export function prefilteredScan(texts: HeldTexts, pattern: string, options: JoinedScanOptions): Promise<string[] | null> {
  const test = textPrefilter(pattern);
  if (test === null) return joinedScan(texts, pattern, options);
  const kept = narrowedView(texts, (i) => {
    const readme = texts.readme(i);
    return test(texts.name(i)) || (readme !== null && test(readme));
  });
  return joinedScan(kept, pattern, options);
}

/** Mostly the mode that has cost less per text so far; each mode gets an early try and a periodic re-try. */
function modeFor(round: number, spent: Record<Mode, { ms: number; texts: number }>): Mode {
  if (round === 0) return 'joined';
  if (round === 1) return 'single';
  const perText = (m: Mode) => spent[m].ms / Math.max(1, spent[m].texts);
  const best: Mode = perText('joined') <= perText('single') ? 'joined' : 'single';
  if (round % REPROBE_EVERY === 0) return best === 'joined' ? 'single' : 'joined';
  return best;
}

/** The end of a window from `from`: whole texts and their separators within `width` bytes, at least one text. */
function windowEnd(texts: HeldTexts, from: number, width: number): number {
  let end = from + 1;
  let bytes = texts.bytes(from);
  while (end < texts.count) {
    bytes += 1 + texts.bytes(end);
    if (bytes > width) break;
    end++;
  }
  return end;
}
