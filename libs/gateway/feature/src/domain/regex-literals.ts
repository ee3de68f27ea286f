import { caseFolded } from './regex-case-fold';
import {
  alternationShape,
  assertionShape,
  charShape,
  classShape,
  escapeShape,
  literalShape,
  repeatedShape,
  sequenceShape,
  type Shape,
} from './regex-shape';

/**
 * Which literal strings a text must contain for a search regex to match it: the prefilter behind regex search
 * (artifacts/search-index.ts), after the idea of Russ Cox's trigram code search. The answer is an AND of OR-sets:
 * `[['bench-00'], ['model', 'card']]` means "contains bench-00, and contains model or card".
 *
 * The prefilter may only ever narrow the candidates RE2 then checks, never drop a real match, so every construct
 * this analyser is not sure about weakens the answer: a character class, `.`, an assertion or an optional piece
 * breaks a literal run, and syntax whose meaning it does not model exactly (inline flags other than leading `(?imsU)` ones,
 * `\Q…\E`, `\x41`, `\p{L}`, POSIX classes, `{` that is not a repetition) makes it give up (`null`: scan
 * everything). It reads RE2's syntax, the engine that runs the search (re2-wasm passes patterns through almost
 * unchanged), and only patterns RE2 already compiled reach it.
 *
 * The same parse also builds each piece's shape (domain/regex-shape.ts: lengths, edge bytes, anchors, adjacent
 * pairs), which the held-text scan's prefilter uses for patterns without a 3-character literal (regexShape()).
 */
export type LiteralQuery = ReadonlyArray<ReadonlyArray<string>>;

interface Info {
  /** The piece always matches exactly this string (null: it can match different strings). */
  exact: string | null;
  /** Every match of the piece starts with this (so a literal before it runs on into it)... */
  prefix: string;
  /** ...and ends with this (so a literal after it continues it). */
  suffix: string;
  /** What any match of the piece contains: an AND of OR-sets. */
  all: string[][];
  /** Lengths, edge characters, anchors and adjacent pairs of every match (domain/regex-shape.ts). */
  shape: Shape;
}

class Unanalysable extends Error {}

const any = (shape: Shape): Info => ({ exact: null, prefix: '', suffix: '', all: [], shape });
const literal = (text: string, shape: Shape): Info => ({ exact: text, prefix: text, suffix: text, all: [], shape });
/** Single-letter escapes that stand for one character of a class, or for an assertion. */
const CLASS_OR_ASSERTION_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'A', 'z', 'n', 'r', 't', 'f', 'v', 'a']);
/** A literal repeated into an exact string stays this short; longer repetitions keep one copy as a requirement. */
const MAX_EXACT_REPEAT = 256;

/**
 * Flags set for the whole pattern at its start, the inline flags requiredLiterals models. `m` (^ and $ at line ends),
 * `s` (. matches a newline) and `U` (lazy by default) change no character a match must hold: assertions and `.`
 * already give no literal. `i` changes every literal (regex-case-fold.ts). The shape (regexShape) models none of them.
 */
const LEADING_FLAGS = /^\(\?([imsU]+)\)/;

/** The literals every match of `pattern` contains, or null when the pattern is beyond this analysis. */
export function requiredLiterals(pattern: string): LiteralQuery | null {
  const flags = LEADING_FLAGS.exec(pattern);
  if (flags !== null) {
    const rest = requiredLiterals(pattern.slice(flags[0].length));
    return rest !== null && (flags[1] as string).includes('i') ? simplified(caseFolded(rest)) : rest;
  }
  const info = analysed(pattern);
  if (info === null) return null;
  return simplified(info.exact !== null ? [[info.exact]] : [...info.all, [info.prefix], [info.suffix]]);
}

/** The shape of every match of `pattern` in single-line mode, or null when the pattern is beyond this analysis. */
export function regexShape(pattern: string): Shape | null {
  return analysed(pattern)?.shape ?? null;
}

function analysed(pattern: string): Info | null {
  try {
    const parser = new Parser(pattern);
    const info = parser.parseAlternation();
    return parser.atEnd() ? info : null;
  } catch (error: unknown) {
    if (error instanceof Unanalysable) return null;
    throw error;
  }
}

/** Drops empty literals' sets, duplicates, and single literals that another single literal contains. */
function simplified(sets: string[][]): string[][] {
  const useful = sets.filter((set) => set.length > 0 && set.every((text) => text.length > 0));
  const singles = useful.filter((set) => set.length === 1).map((set) => set[0] as string);
  const seen = new Set<string>();
  return useful.filter((set) => {
    const key = JSON.stringify(set);
    if (seen.has(key)) return false;
    seen.add(key);
    const only = set.length === 1 ? (set[0] as string) : null;
    return only === null || !singles.some((other) => other !== only && other.includes(only));
  });
}

class Parser {
  private readonly chars: string[];
  private pos = 0;

  constructor(pattern: string) {
    this.chars = Array.from(pattern); // code points: a quantifier applies to a whole astral character
  }

  atEnd(): boolean {
    return this.pos >= this.chars.length;
  }

  parseAlternation(): Info {
    const branches = [this.parseSequence()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.parseSequence());
    }
    return branches.length === 1 ? (branches[0] as Info) : alternation(branches);
  }

  private parseSequence(): Info {
    const items: Info[] = [];
    while (!this.atEnd() && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.parseQuantified(this.parseAtom()));
    }
    return sequence(items);
  }

  private parseQuantified(atom: Info): Info {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.chars.slice(this.pos, this.pos + 24).join(''));
      if (m === null) throw new Unanalysable(); // RE2 would read this `{` as a literal: do not guess
      this.pos += Array.from(m[0]).length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return atom;
    }
    if (this.peek() === '?') this.pos++; // lazy: same strings, other preference
    if (this.peek() === '*' || this.peek() === '+' || this.peek() === '?' || this.peek() === '{') throw new Unanalysable();
    return repeated(atom, min, max);
  }

  private parseAtom(): Info {
    const c = this.next();
    switch (c) {
      case '(':
        return this.parseGroup();
      case '[':
        return any(this.parseClass());
      case '.':
        return any(charShape(null));
      case '^':
      case '$':
        return any(assertionShape(c === '^', c === '$'));
      case '\\':
        return this.parseEscape();
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Unanalysable();
      default:
        return literal(c, literalShape(c));
    }
  }

  private parseGroup(): Info {
    if (this.peek() === '?') {
      const rest = this.chars.slice(this.pos, this.pos + 3).join('');
      if (rest.startsWith('?:')) this.pos += 2;
      else if (rest.startsWith('?P<') || (rest.startsWith('?<') && rest[2] !== '=' && rest[2] !== '!')) this.skipGroupName();
      else throw new Unanalysable(); // inline flags, lookaround: not modelled
    }
    const inner = this.parseAlternation();
    if (this.next() !== ')') throw new Unanalysable();
    return inner;
  }

  private skipGroupName(): void {
    while (!this.atEnd() && this.peek() !== '>') this.pos++;
    if (this.next() !== '>') throw new Unanalysable();
  }

  /** Reads a bracket class; anything whose end is ambiguous between dialects (`[]…]`, `[[:alpha:]]`) gives up. */
  private parseClass(): Shape {
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    if (this.peek() === ']') throw new Unanalysable();
    const from = this.pos;
    for (;;) {
      const c = this.next();
      if (c === ']') return classShape(this.chars.slice(from, this.pos - 1), negated);
      if (c === '[') throw new Unanalysable();
      if (c === '\\') this.next();
    }
  }

  private parseEscape(): Info {
    const e = this.next();
    if (/^[A-Za-z0-9]$/.test(e)) {
      if (CLASS_OR_ASSERTION_ESCAPES.has(e)) return any(escapeShape(e));
      throw new Unanalysable(); // \x41, \u{…}, \p{L}, \Q…\E, \1, \C: one character or more, not modelled
    }
    return literal(e, literalShape(e)); // an escaped punctuation character is itself
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string {
    const c = this.chars[this.pos++];
    if (c === undefined) throw new Unanalysable();
    return c;
  }
}

/**
 * Adjacent exact pieces join into one literal run, which continues into the next piece's prefix; anything else
 * ends the run, adds what it requires, and starts the next run with its suffix.
 */
function sequence(items: Info[]): Info {
  let run = '';
  let prefix: string | null = null;
  const all: string[][] = [];
  for (const item of items) {
    if (item.exact !== null) {
      run += item.exact;
      continue;
    }
    run += item.prefix;
    if (prefix === null) prefix = run;
    if (run.length > 0) all.push([run]);
    all.push(...item.all);
    run = item.suffix;
  }
  const shape = sequenceShape(items.map((item) => item.shape));
  if (prefix === null) return literal(run, shape);
  if (run.length > 0) all.push([run]);
  return { exact: null, prefix, suffix: run, all, shape };
}

/** A match contains one branch's requirement: the union of each branch's strongest OR-set, if every branch has one. */
function alternation(branches: Info[]): Info {
  const prefix = branches.map((b) => b.prefix).reduce(commonPrefix);
  const suffix = branches.map((b) => b.suffix).reduce(commonSuffix);
  const shape = alternationShape(branches.map((b) => b.shape));
  const union: string[] = [];
  for (const branch of branches) {
    const key = branch.exact !== null ? [branch.exact] : strongest(branch.all);
    if (key === null || key.some((text) => text.length === 0)) return { exact: null, prefix, suffix, all: [], shape };
    union.push(...key);
  }
  return { exact: null, prefix, suffix, all: [union], shape };
}

function strongest(all: string[][]): string[] | null {
  let best: string[] | null = null;
  for (const set of all) {
    if (set.length === 0) continue;
    if (best === null || minLength(set) > minLength(best)) best = set;
  }
  return best;
}

function minLength(set: string[]): number {
  return Math.min(...set.map((s) => s.length));
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function commonSuffix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return a.slice(a.length - i);
}

function repeated(atom: Info, min: number, max: number): Info {
  const shape = repeatedShape(atom.shape, min, max);
  if (min === 0) return any(shape);
  if (atom.exact !== null && min === max && atom.exact.length * min <= MAX_EXACT_REPEAT) return literal(atom.exact.repeat(min), shape);
  // An exact atom repeated is required through its prefix and suffix (which equal it).
  return { exact: null, prefix: atom.prefix, suffix: atom.suffix, all: atom.exact !== null ? [] : atom.all, shape };
}
