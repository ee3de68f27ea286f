import { seededRandom } from '@modelguard/testing';
import { describe, expect, it } from 'vitest';
import { requiredLiterals, type LiteralQuery } from './regex-literals';
import { compileSearchRegex } from './regex-search';
import { mightMatch, sketchOf, trigramQueryOf } from './trigram-sketch';

const satisfies = (text: string, query: LiteralQuery) => query.every((set) => set.some((literal) => text.includes(literal)));

describe('requiredLiterals', () => {
  it.each([
    ['bench-0004', [['bench-0004']]],
    ['^bench-0999[0-9]$', [['bench-0999']]],
    ['.*?(audience|bert).*', [['audience', 'bert']]],
    ['ab+cd', [['ab'], ['bcd']]],
    ['(ab){3}x', [['abababx']]],
    ['a\\.b\\d+c', [['a.b'], ['c']]],
    ['x(ab|acb)+y', [['xa'], ['ab', 'acb'], ['by']]],
    ['(?:whisper|bert)-(tiny|base)', [['whisper', 'bert'], ['-'], ['tiny', 'base']]],
    ['x(?P<name>yz)w', [['xyzw']]],
    ['(a+)+$', [['a']]],
  ])('%j requires %j', (pattern, expected) => {
    expect(requiredLiterals(pattern)).toEqual(expected);
  });

  it.each(['a*', 'x?y?', '.*', '(bert|)', '[a-z]+', 'ab|.'])('%j requires nothing', (pattern) => {
    expect(requiredLiterals(pattern)).toEqual([]);
  });

  it.each(['(?i-s)bert', 'a(?i)bert', '(?i:bert)x', '(?x)bert', '\\x41bc', '\\Qa.b\\E', '\\p{L}bert', '[[:alpha:]]bc', '[]a]bc', 'ab{,3}'])(
    'gives up on %j, whose meaning it does not model',
    (pattern) => {
      expect(requiredLiterals(pattern)).toBeNull();
    },
  );

  it.each([
    ['(?i)bert', [['bert']]],
    ['(?i)BERT-Base', [['BERT-Ba']]],
    ['(?i)kelvin', [['elvin']]],
    ['(?i)(gpt|llama)-2', [['gpt', 'llama'], ['-2']]],
    ['(?i)café-model', [['-model']]],
    ['(?s)bert.base', [['bert'], ['base']]],
    ['(?mU)^bert-base$', [['bert-base']]],
    ['(?is)BERT.Base', [['BERT'], ['Ba']]],
  ])('%j (case-insensitive) requires %j, cut where the sketch cannot fold case', (pattern, expected) => {
    expect(requiredLiterals(pattern)).toEqual(expected);
  });

  it('lets through every text a case-insensitive pattern matches, in any casing, Kelvin sign and long s included', () => {
    const random = seededRandom(1729);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const atoms = ['bert', 'kit', 'sun', 'Bask', 'ék', '-', 'x', '[ab]', '.', '\\d'];
    const pieces = ['bert', 'BERT', 'bErT', 'kit', 'KIT', '\u212Ait', 'sun', 'SUN', '\u017Fun', 'bask', 'BA\u017F\u212A', 'ÉK', 'é\u212A', '-', 'x', '1', ' ', '\n'];
    const texts = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(''));
    let matchesChecked = 0;
    for (let i = 0; i < 300; i++) {
      const body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(atoms) + (random() < 0.2 ? pick(['+', '?', '*']) : '')).join('');
      const pattern = `(?${pick(['i', 'is', 'im', 'iU', 'msi'])})${random() < 0.2 ? `(${body}|${pick(atoms)})` : body}`;
      const regex = compileSearchRegex(pattern);
      const query = requiredLiterals(pattern);
      expect(query, pattern).not.toBeNull();
      const trigrams = trigramQueryOf(query ?? []);
      for (const text of texts) {
        if (!regex.test(text)) continue;
        matchesChecked++;
        if (trigrams !== null) expect(mightMatch(sketchOf(['unrelated name', text]), trigrams), `${pattern} matches ${JSON.stringify(text)} yet requires ${JSON.stringify(query)}`).toBe(true);
      }
    }
    expect(matchesChecked).toBeGreaterThan(300);
  });

  it('never asks for a literal a real match lacks (random patterns checked against RE2)', () => {
    const random = seededRandom(461);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const atoms = ['a', 'b', 'c', '-', '0', '.', '[ab]', '\\d', '\\-', '^', '$', '\\b'];
    const gen = (depth: number): string => {
      let out = '';
      const n = 1 + Math.floor(random() * 4);
      for (let i = 0; i < n; i++) {
        let piece = depth > 0 && random() < 0.25 ? `(${pick(['', '?:'])}${gen(depth - 1)}${random() < 0.4 ? '|' + gen(depth - 1) : ''})` : pick(atoms);
        if (random() < 0.3) piece += pick(['*', '+', '?', '{2}', '{1,3}', '+?', '{0,2}']);
        out += piece;
      }
      return out;
    };
    const texts = Array.from({ length: 300 }, () => Array.from({ length: Math.floor(random() * 12) }, () => pick(['a', 'b', 'c', '-', '0', '1', ' ', 'A', '\n'])).join(''));
    let matchesChecked = 0;
    for (let i = 0; i < 400; i++) {
      const pattern = `${pick(['', '', '', '(?s)', '(?m)', '(?U)', '(?ms)'])}${gen(2)}`;
      let regex;
      try {
        regex = compileSearchRegex(pattern);
      } catch {
        continue;
      }
      const query = requiredLiterals(pattern);
      if (query === null) continue;
      const trigrams = trigramQueryOf(query);
      for (const text of texts) {
        if (!regex.test(text)) continue;
        matchesChecked++;
        expect(satisfies(text, query), `${pattern} matches ${JSON.stringify(text)} yet requires ${JSON.stringify(query)}`).toBe(true);
        if (trigrams !== null) expect(mightMatch(sketchOf(['unrelated name', text]), trigrams)).toBe(true);
      }
    }
    expect(matchesChecked).toBeGreaterThan(1000);
  });
});

describe('trigram sketches', () => {
  it('lets through every text holding the literals, case-folded for ASCII', () => {
    const sketch = sketchOf(['Bench-00042', '# A model card\nsome text']);
    expect(mightMatch(sketch, trigramQueryOf([['bench-0004']]) ?? [])).toBe(true);
    expect(mightMatch(sketch, trigramQueryOf([['model card'], ['xyz', 'some']]) ?? [])).toBe(true);
  });

  it('turns most texts without the literal away, and never joins name and README into one trigram', () => {
    const query = trigramQueryOf([['bench-0004']]) ?? [];
    const others = Array.from({ length: 1000 }, (_, i) => sketchOf([`bench-${String(10_000 + i)}`, `README of model ${i}: benchmarks, 0004 runs`]));
    expect(others.filter((s) => mightMatch(s, query)).length).toBeLessThan(10);
    expect(mightMatch(sketchOf(['abc', 'def']), trigramQueryOf([['cde']]) ?? [])).toBe(false);
  });

  it('ignores OR-sets with a literal too short for a trigram (they constrain nothing it can test)', () => {
    expect(trigramQueryOf([['ab'], ['x', 'long enough']])).toBeNull();
    expect(trigramQueryOf([])).toBeNull();
  });

  it('keeps a sketch of a 256 KiB README to 8 KiB', () => {
    const random = seededRandom(7);
    const readme = Array.from({ length: 262_144 }, () => String.fromCharCode(33 + Math.floor(random() * 90))).join('');
    expect(sketchOf(['x', readme]).byteLength).toBe(8192);
  });
});
