import { describe, expect, it } from 'vitest';
import { analyseSnippet, snippetSource } from './python-snippet';

describe('python snippet analysis', () => {
  it('accepts a realistic snippet and lists its imports and strings', () => {
    const result = analyseSnippet(
      [
        'from transformers import AutoTokenizer, AutoModel',
        'import torch, numpy as np',
        'tok = AutoTokenizer.from_pretrained("acme/tiny-model")',
        'def embed(text: str):',
        '    with torch.no_grad():',
        '        return model(**tok(text, return_tensors="pt"))  # comment with ( unbalanced',
        'print("""multi',
        'line""")',
      ].join('\n'),
    );
    expect(result).toMatchObject({ parses: true, imports: ['transformers', 'torch', 'numpy'] });
    expect(result.strings).toContain('acme/tiny-model');
  });

  it('strips doctest prompts and drops their output lines', () => {
    const source = snippetSource(">>> from transformers import pipeline\n>>> p = pipeline('fill-mask')\n[{'score': 0.1,\n  'token': 5}]");
    expect(source).toBe("from transformers import pipeline\np = pipeline('fill-mask')");
    expect(analyseSnippet(source).parses).toBe(true);
  });

  it('drops notebook shell lines', () => {
    expect(snippetSource('!pip install transformers\nimport transformers')).toBe('import transformers');
  });

  it.each([
    ['an unbalanced bracket', 'model = load(\n', /unclosed/],
    ['a wrong closing bracket', 'x = [1, 2)', /unbalanced/],
    ['an unterminated string', 'x = "abc\ny = 1', /unterminated string/],
    ['a missing indented block', 'for x in y:\nprint(x)', /expected an indented block/],
    ['an unexpected indent', 'x = 1\n    y = 2', /unexpected indent/],
  ])('rejects %s', (_, code, problem) => {
    const result = analyseSnippet(code);
    expect(result.parses).toBe(false);
    expect(result.problem).toMatch(problem);
  });

  it('reports relative imports as "."', () => {
    expect(analyseSnippet('from .modeling import Model').imports).toEqual(['.']);
  });

  it('refuses snippets too long to be a demo', () => {
    expect(analyseSnippet('x = 1\n'.repeat(10_000)).parses).toBe(false);
  });
});
