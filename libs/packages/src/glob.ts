import { RE2 } from 're2-wasm';

/** Longest glob accepted from a request. */
export const MAX_GLOB_LENGTH = 512;
const MAX_BRACE_DEPTH = 8;

/**
 * Compiles a download glob into a matcher that runs in time linear in the path, whatever the pattern: the glob is
 * translated to a regular expression and run by RE2, which never backtracks. (A backtracking matcher took 11.8 s on
 * `b/*a*a*a*a*a*a*a*a*a*a*a*a!` against a 40-character path and stalled the whole process.)
 *
 * Syntax (what download clients use): `*` any run of characters within one path segment; `**` any run across
 * segments, and `**\/` also matches no segment at all; `?` one character other than `/`; `[abc]`, `[a-z]`,
 * `[!abc]` one character of (or not of) a set, never `/`; `{a,b,c}` alternatives (nested up to 8 deep); `\` escapes
 * the next character. Dotfiles match like any other name. The whole path must match. Anything else is literal; an
 * unclosed `[` or `{` is literal too.
 */
export function compileGlob(pattern: string): (path: string) => boolean {
  if (pattern.length > MAX_GLOB_LENGTH) throw new RangeError(`glob pattern is longer than ${MAX_GLOB_LENGTH} characters`);
  const source = `^(?:${translate(pattern, 0)})$`;
  let re: RE2;
  try {
    re = new RE2(source, 'u');
  } catch (error) {
    throw new SyntaxError(`glob cannot be compiled: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (path) => re.test(path);
}

function translate(glob: string, depth: number): string {
  if (depth > MAX_BRACE_DEPTH) throw new SyntaxError(`glob nests braces more than ${MAX_BRACE_DEPTH} deep`);
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob.charAt(i);
    if (c === '\\') {
      if (i + 1 >= glob.length) throw new SyntaxError('glob ends with a lone backslash');
      out += escapeRegex(glob.charAt(i + 1));
      i += 2;
    } else if (c === '*') {
      let stars = 0;
      while (glob.charAt(i) === '*') {
        i++;
        stars++;
      }
      if (stars === 1) out += '[^/]*';
      else if (glob.charAt(i) === '/') {
        out += '(?:.*/)?';
        i++;
      } else out += '.*';
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const end = classEnd(glob, i);
      out += end === -1 ? '\\[' : charClass(glob.slice(i + 1, end));
      i = end === -1 ? i + 1 : end + 1;
    } else if (c === '{') {
      const alternatives = braceAlternatives(glob, i);
      out += alternatives === null ? '\\{' : `(?:${alternatives.parts.map((p) => translate(p, depth + 1)).join('|')})`;
      i = alternatives === null ? i + 1 : alternatives.end + 1;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`, or -1. A `]` right after `[` or `[!` is a member. */
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function charClass(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = negated ? body.slice(1) : body;
  let out = '';
  for (let i = 0; i < members.length; i++) {
    const c = members.charAt(i);
    if (c === '\\' && i + 1 < members.length) out += `\\${members[++i]}`;
    else if (c === '-' && i > 0 && i < members.length - 1) out += '-';
    else out += /[\]\\^[-]/.test(c) ? `\\${c}` : c;
  }
  // A path separator is never one character of a segment.
  if (negated) return `[^/${out}]`;
  const withoutSlash = out.replaceAll('/', '');
  return withoutSlash === '' ? '[^\\x{0}-\\x{10FFFF}]' : `[${withoutSlash}]`;
}

/** The top-level comma-separated parts of the `{...}` opened at `start` and its closing index, or null (literal). */
function braceAlternatives(glob: string, start: number): { parts: string[]; end: number } | null {
  let depth = 0;
  let from = start + 1;
  const parts: string[] = [];
  for (let i = start; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      parts.push(glob.slice(from, i));
      return parts.length > 1 ? { parts, end: i } : null;
    } else if (c === ',' && depth === 1) {
      parts.push(glob.slice(from, i));
      from = i + 1;
    }
  }
  return null;
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}
