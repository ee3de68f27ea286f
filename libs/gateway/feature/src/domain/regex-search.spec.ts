import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error';
import { compileSearchRegex, filterByRegex } from './regex-search';

describe('regex search', () => {
  const items = [
    { name: 'bert-base-uncased', readme: 'A transformers model' },
    { name: 'audience_classifier_model', readme: null },
    { name: 'whisper', readme: 'speech model; fine-tuned from bert? no' },
  ];

  it('matches names and READMEs (partial match semantics)', () => {
    const hits = filterByRegex(compileSearchRegex('.*?(audience|bert).*'), items, 1000);
    expect(hits.map((h) => h.name)).toEqual(['bert-base-uncased', 'audience_classifier_model', 'whisper']);
    expect(filterByRegex(compileSearchRegex('^bert-base-uncased$'), items, 1000).map((h) => h.name)).toEqual(['bert-base-uncased']);
  });

  it('runs the classic ReDoS pattern over a 100 KB README in well under a second', () => {
    const readme = 'a'.repeat(100_000) + '!';
    const started = performance.now();
    const hits = filterByRegex(compileSearchRegex('(a+)+$'), [{ name: 'x', readme }], 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(hits).toHaveLength(0);
  });

  it.each(['(a)\\1', '(?=x)', '(?<!y)z', '[', ''])('refuses %j with a 400 explaining RE2', (pattern) => {
    try {
      compileSearchRegex(pattern);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ClientError);
      expect((e as ClientError).status).toBe(400);
    }
  });

  it('enforces the time budget', () => {
    expect(() => filterByRegex(compileSearchRegex('x'), items, -1)).toThrow(/time budget/);
  });
});
