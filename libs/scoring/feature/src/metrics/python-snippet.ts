/**
 * A static look at a Python snippet from a card, never executing it: does it tokenize (strings closed, brackets
 * balanced, blocks indented after a colon), which modules does it import, which string literals does it use. One
 * linear pass over at most SNIPPET_MAX_CHARS characters; anything longer is not a demo snippet.
 */

export const SNIPPET_MAX_CHARS = 20_000;

export interface SnippetAnalysis {
  parses: boolean;
  /** Why it does not parse, when it does not. */
  problem?: string;
  /** Top-level module names imported (`transformers`, `torch`); a relative import is reported as `.`. */
  imports: string[];
  /** Contents of the string literals (bounded), for spotting the model id. */
  strings: string[];
}

const OPENERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const MAX_STRINGS = 500;

/** Doctest prompts (`>>> `, `... `) stripped and their output lines dropped; notebook shell lines (`!pip`) dropped. */
export function snippetSource(code: string): string {
  const lines = code.split('\n');
  const doctest = lines.some((l) => l.trimStart().startsWith('>>>'));
  const kept = doctest
    ? lines.filter((l) => /^\s*(>>>|\.\.\.)( |$)/.test(l)).map((l) => l.replace(/^\s*(>>>|\.\.\.) ?/, ''))
    : lines.filter((l) => !/^\s*[!%]/.test(l));
  let indent = Infinity;
  for (const l of kept) if (l.trim() !== '') indent = Math.min(indent, l.length - l.trimStart().length);
  return kept.map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
}

export function analyseSnippet(code: string): SnippetAnalysis {
  const result: SnippetAnalysis = { parses: true, imports: [], strings: [] };
  if (code.length > SNIPPET_MAX_CHARS) return { ...result, parses: false, problem: 'too long for a demo snippet' };
  const fail = (problem: string): SnippetAnalysis => ({ ...result, parses: false, problem });
  const stack: string[] = [];
  const indents = [0];
  let expectIndent = false;
  let line = '';
  let lineNo = 1;
  let i = 0;
  while (i <= code.length) {
    const c = i < code.length ? code[i] : '\n';
    if (c === '#') {
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = code.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      let closed = false;
      while (j < code.length) {
        if (code[j] === '\\') j += 2;
        else if (code.startsWith(quote, j)) {
          closed = true;
          break;
        } else if (!triple && code[j] === '\n') break;
        else j++;
      }
      if (!closed) return fail(`unterminated string on line ${lineNo}`);
      if (result.strings.length < MAX_STRINGS) result.strings.push(code.slice(i + quote.length, Math.min(j, i + quote.length + 300)));
      for (let k = i; k < j; k++) if (code[k] === '\n') lineNo++;
      line += '""';
      i = j + quote.length;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== OPENERS[c]) return fail(`unbalanced '${c}' on line ${lineNo}`);
    }
    if (c === '\n') {
      const continued = stack.length > 0 || line.endsWith('\\');
      if (!continued) {
        const problem = checkLogicalLine(line, indents, expectIndent);
        if (problem) return fail(`${problem} on line ${lineNo}`);
        if (line.trim() !== '') {
          expectIndent = line.trimEnd().endsWith(':');
          collectImports(line.trim(), result.imports);
        }
        line = '';
      } else line += ' ';
      lineNo++;
    } else line += c;
    i++;
  }
  if (stack.length > 0) return fail(`unclosed '${stack[stack.length - 1]}'`);
  if (expectIndent) return fail('block opened by the last line is empty');
  return result;
}

/** Indentation rules of one logical line (its first physical line's indentation). */
function checkLogicalLine(line: string, indents: number[], expectIndent: boolean): string | null {
  if (line.trim() === '') return null;
  const indent = line.length - line.trimStart().length;
  const current = indents[indents.length - 1];
  if (expectIndent) {
    if (indent <= current) return 'expected an indented block';
    indents.push(indent);
    return null;
  }
  if (indent > current) return 'unexpected indent';
  while (indent < indents[indents.length - 1]) indents.pop();
  return indent === indents[indents.length - 1] ? null : 'inconsistent dedent';
}

function collectImports(statement: string, out: string[]): void {
  const from = /^from\s+(\.*)([\w.]*)\s+import\b/.exec(statement);
  if (from) {
    out.push(from[1] ? '.' : from[2].split('.')[0]);
    return;
  }
  const plain = /^import\s+(.{1,500})$/.exec(statement);
  if (!plain) return;
  for (const part of plain[1].split(',')) {
    const name = part.trim().split(/\s+/)[0]?.split('.')[0];
    if (name) out.push(name);
  }
}
