import { seededRandom } from '@modelguard/testing';
import { RE2 } from 're2-wasm';
import { describe, expect, it } from 'vitest';
import { joinedScanSafe, prefilteredScan } from './joined-scan';
import { textPrefilter } from './regex-prefilter';
import { SearchTexts } from './search-texts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const passes = (pattern: string, text: string) => {
  const test = textPrefilter(pattern);
  if (test === null) throw new Error(`${pattern} has no prefilter`);
  return test(utf8(text));
};
const re2Matches = (pattern: string, text: string) => new RE2(pattern, 'u').test(text);

describe('textPrefilter: conditions derived from the pattern', () => {
  it.each([
    // [pattern, texts it must let through, texts it must turn away]
    ['^.{3}$', ['abc', 'é€😀', 'a\u0301b'], ['ab', 'abcd', '', 'bench-00042']],
    ['^.{2,4}$', ['ab', '😀😀😀😀'], ['a', '😀😀😀😀😀']],
    ['^$', [''], ['a']],
    ['(a+)+$', ['xa', 'banana'], ['ax', 'a\n', 'Seeded card. ']],
    ['^[0-9]', ['7 models'], ['model 7', '']],
    ['[0-9]x', ['7x', 'a 4x b'], ['x7', 'ax', 'x', '7 x']],
    ['ab', ['xaby'], ['ba', 'a b']],
    ['\\d\\d', ['v12'], ['1a2']],
    ['[a-c][^a-z]', ['c7', 'aé'], ['cc', 'xy']],
    ['é[0-9]', ['é4', 'ü4'], ['e4']], // non-ASCII stands in as "any high byte": ü passes too, never wrongly fails
    ['^(ab|cde)$', ['ab', 'cde', 'ce'], ['abcd', 'a', 'ac']],
    ['x(?:[0-9]y)+', ['x1y'], ['xy1']],
    // A required character or small class, looked for with indexOf
    ['.x', ['ax', 'yyx'], ['x', 'abc', 'X']],
    ['a.b', ['a-b', 'ba a'], ['bbb', 'xyz']],
    ['[0-9]+z', ['12z'], ['12y', 'z']],
    ['x\\d', ['x1'], ['1x', 'y1']],
    ['[xy]', ['ay', 'x'], ['ab', 'X', '']],
    ['é.*x', ['éx', 'abx'], ['éé', 'e']], // é (any high byte) is too wide to look for; x is not
    // Alternations: what every branch requires
    ['(ab|cb)', ['cb', 'ab'], ['ac', 'bb', 'xyz']], // b in both branches, and a or c
    ['(?:ax|bx)y?', ['ax', 'bx'], ['ab', 'xx', 'ya']], // x in both branches, and a or b
    ['a|bc', ['a', 'xbc'], ['c', 'xyz']], // a or b: each branch's smallest set
    ['^a|b$', ['ab', 'xb'], ['xyz', 'c']], // no anchor condition (one branch each), but a or b
    ['(x|y)\\d', ['y7'], ['x', 'xy', '7']],
    ['(?:a[0-9]|b[0-9]x)', ['a1', 'b2'], ['1x', 'xyz']], // a pair of one branch only; a or b required
  ])('%j', (pattern, through, away) => {
    for (const text of through) expect(passes(pattern, text), `${pattern} lets ${JSON.stringify(text)} through`).toBe(true);
    for (const text of away) {
      expect(re2Matches(pattern, text), `${pattern} really does not match ${JSON.stringify(text)}`).toBe(false);
      expect(passes(pattern, text), `${pattern} turns ${JSON.stringify(text)} away`).toBe(false);
    }
  });

  it.each([
    ['(a|)', 'empty branch'],
    ['a?b?', 'optional parts'],
    ['(?i)^abc$', 'case-insensitive: not modelled'],
    ['(?m)^a$', 'multi-line anchors: not modelled'],
    ['(?s)^.$', 'dot-all: not modelled'],
    ['\\pL\\pL', 'Unicode class: not modelled'],
    ['[[:digit:]]x', 'POSIX class: not modelled'],
    ['a*', 'matches the empty string anywhere'],
    ['(ab)?', 'optional pair'],
    ['^a*$', 'fully anchored, but any length and an empty match'],
    ['x?', 'optional character'],
    ['x*', 'repeated zero or more times'],
    ['x{0}', 'zero repeats'],
    ['(x|y?)', 'a branch that can be empty'],
    ['(?:x|)y?', 'empty branch'],
    ['(?i)x', 'case-insensitive: not modelled'],
    ['é', 'non-ASCII: every high byte stands in, too wide to look for'],
    ['\\d', 'ten bytes: too wide to look for'],
    ['[^x]', 'negated class: too wide'],
  ])('%j gives no condition (%s)', (pattern) => {
    expect(textPrefilter(pattern)).toBeNull();
  });

  it('keeps single-line semantics: `$` is the end of the text, not of a line, as in RE2 without (?m)', () => {
    expect(re2Matches('^a$', 'b\na')).toBe(false);
    expect(passes('^a$', 'b\na')).toBe(false);
    expect(passes('a$', 'b\na')).toBe(true);
  });

  it('never turns away a text RE2 matches (random patterns over ASCII and non-ASCII texts)', () => {
    const random = seededRandom(1313);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const atoms = ['a', 'b', 'x', 'y', 'A', '[xy]', '[a-c]', '0', '7', 'é', '😀', '.', '[ab]', '[^a]', '[0-9]', '[a-zé]', '\\d', '\\w', '\\s', '\\.', '^', '$', '\\b', '\\n'];
    const gen = (depth: number): string => {
      let out = '';
      const n = 1 + Math.floor(random() * 4);
      for (let i = 0; i < n; i++) {
        let piece = depth > 0 && random() < 0.25 ? `(${pick(['', '?:'])}${gen(depth - 1)}${random() < 0.4 ? '|' + gen(depth - 1) : ''})` : pick(atoms);
        if (random() < 0.3) piece += pick(['*', '+', '?', '{2}', '{1,3}', '+?', '{0,2}', '{2,}']);
        out += piece;
      }
      return out;
    };
    // No lone surrogates: texts come from Postgres, which stores none (re2-wasm would read '\ud800a' as one
    // code point where UTF-8 has U+FFFD then 'a').
    const alphabet = ['a', 'b', 'x', 'y', 'c', '0', '7', 'é', '😀', '\ufffd', '.', ' ', '\n', 'A', '-'];
    const texts = Array.from({ length: 300 }, () => Array.from({ length: Math.floor(random() * 10) }, () => pick(alphabet)).join(''));
    let matchesChecked = 0;
    let narrowing = 0;
    for (let i = 0; i < 600; i++) {
      const pattern = gen(2);
      let regex: RE2;
      try {
        regex = new RE2(pattern, 'u');
      } catch {
        continue;
      }
      const test = textPrefilter(pattern);
      if (test === null) continue;
      narrowing++;
      for (const text of texts) {
        if (!regex.test(text)) continue;
        matchesChecked++;
        expect(test(utf8(text)), `${pattern} matches ${JSON.stringify(text)} yet its prefilter turns it away`).toBe(true);
      }
    }
    expect(narrowing).toBeGreaterThan(100);
    expect(matchesChecked).toBeGreaterThan(1000);
  });
});

describe('prefiltered held-text scan', () => {
  type Doc = [name: string, readme: string | null];
  const card = (i: number) =>
    `# bench-${String(i).padStart(5, '0')}\n\n` + 'Seeded benchmark model card: trained on public text, license apache-2.0. '.repeat(6);
  const corpus: Doc[] = Array.from({ length: 2000 }, (_, i): Doc => [`bench-${String(i).padStart(5, '0')}`, i % 7 === 0 ? null : card(i)]);
  const extras: Doc[] = [
    ['abc', null],
    ['llama', 'A model whose name ends in a'],
    ['bert-base', 'Runs 3x faster.\nabc\nline three'],
    ['résumé', 'Modèle français, entraîné sur 2x plus de données — ünïcödé 😀'],
    ['😀😀😀', ''],
    ['q', 'ends with a digit 42'],
    ['xy', 'ab'],
    ['tiny', 'x1y2 pattern\n'],
    ['dotted', 'ends with a dot.'],
    ['cd', 'cd'],
    ['zed', 'version 12z, (ab) cb'],
    ['Xavier', 'y7 and a.b'],
  ];
  extras.forEach((doc, k) => corpus.splice(97 * (k + 1), 0, doc));
  const store = new SearchTexts(1 << 30);
  corpus.forEach(([name, readme], i) => store.set(`id${i}`, name, readme));

  const perText = (pattern: string) => {
    const re = new RE2(pattern, 'u');
    return corpus.flatMap(([name, readme], i) => (re.test(name) || (readme !== null && re.test(readme)) ? [`id${i}`] : []));
  };

  it.each([
    '(a+)+$', '^.{3}$', '[0-9]x', '^[a-z]+-[0-9]+$', '\\d\\d$', '^r', '(ab|cd)$', '^.{1,5}$', '[^ -~]', 'a.b',
    'x(?:[0-9]y)+', '^$', '\\.$', '(?i)^ABC$', '.*', '(a|)$', '^(?:[a-z]|\\d)+$', '[0-9]{2,}', 'ü\\w', 'é.*é$', '😀{3}$',
    '.x', '.z', '[0-9]+z', 'x\\d', '[xy]', '(ab|cb)', '(?:ax|bx)y?', 'a|bc', '^a|b$', '(x|y)\\d', 'é.*x', 'x?', '(?:x|)y', '(?i)X',
  ])('%j: the narrowed scan, confirmed per text, finds exactly what the full per-text scan finds', async (pattern) => {
    expect(joinedScanSafe(pattern)).toBe(true);
    const truth = perText(pattern);
    const re = new RE2(pattern, 'u');
    for (const only of ['joined', 'single'] as const) {
      const found = new Set((await prefilteredScan(store.view(), pattern, { deadline: Date.now() + 60_000, limit: 1e9, only })) ?? []);
      const confirmed = corpus.flatMap(([name, readme], i) =>
        found.has(`id${i}`) && (re.test(name) || (readme !== null && re.test(readme))) ? [`id${i}`] : [],
      );
      expect(confirmed, `${pattern} (${only})`).toEqual(truth);
    }
  });

  it('looks at only the texts that can match for the bench patterns (so the scan reads a handful, not all)', async () => {
    for (const pattern of ['(a+)+$', '^.{3}$', '[0-9]x', '.z', 'a.q', '(ab|cb)']) {
      const found = (await prefilteredScan(store.view(), pattern, { deadline: Date.now() + 60_000, limit: 1e9, only: 'single' })) ?? [];
      expect(found.length, pattern).toBeLessThan(10);
      expect(found, pattern).toEqual(expect.arrayContaining(perText(pattern)));
    }
  });
});
