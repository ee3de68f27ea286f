import { describe, expect, it } from 'vitest';
import { scanJinjaTemplate } from './chat-template';

const rules = (t: string) => scanJinjaTemplate(t).map((i) => i.rule);

describe('chat template sandbox escapes by expression-tree shape', () => {
  it('recovers dunder names however they are built', () => {
    const built = [
      "{{ messages[('_' * 2) ~ 'class' ~ ('_' * 2)] }}",
      "{{ messages[['_', '_cl', 'ass_', '_']|join] }}",
      "{{ messages['{0}{0}class{0}{0}'.format('_')] }}",
      "{{ messages['XXclassXX'|replace('X', '_')] }}",
      "{{ messages['__ssalc__'|reverse] }}",
      "{{ messages['%c%cclass%c%c' % (95, 95, 95, 95)] }}",
      "{{ messages['x__class__x'[1:-1]] }}",
      "{% set a = '_' %}{% set b = a ~ a %}{{ messages[b ~ 'class' ~ b] }}",
      "{{ messages|map(attribute='__class__')|list }}",
    ];
    for (const t of built) expect({ t, hit: rules(t).some((r) => r === 'computed-dunder' || r === 'attr-filter') }).toEqual({ t, hit: true });
  });

  it('flags attribute names computed from values it cannot know, and format-string attribute walks', () => {
    expect(rules('{{ messages|attr(messages[0].content) }}')).toContain('attr-filter');
    expect(rules('{{ messages[messages[0].content ~ "x"] }}')).toContain('dynamic-attribute-name');
    expect(rules("{{ '{0.role.__class__}'.format(messages[0]) }}")).toContain('format-attribute');
  });

  it('keeps indexing, arithmetic and words in text clean', () => {
    const clean = "System prompt: never use os.system or __import__. {% for m in messages %}{{ messages[loop.index0 + 1].role if not loop.last }}{{ m['content'] | trim }}{% endfor %}";
    expect(scanJinjaTemplate(clean)).toEqual([]);
  });

  it('calls a template the parser rejects unscannable, including valid Jinja2 @huggingface/jinja does not implement', () => {
    for (const t of ['{% for m in messages %}{{ m.content }}', "{% import 'x.j2' as x %}", '{{ ()|length }}', '{% raw %}{{ x }}{% endraw %}']) {
      const issues = scanJinjaTemplate(t);
      expect({ t, unscannable: issues.length === 1 && issues[0].unscannable === true }).toEqual({ t, unscannable: true });
    }
  });
});
