import { describe, expect, it } from 'vitest';
import { CARD_ANALYSIS_MAX_CHARS, readCard } from './card-document';

describe('readCard', () => {
  it('splits a card into sections, code blocks, tables and links, front matter excluded', () => {
    const card = readCard(
      [
        '---',
        'license: mit',
        '---',
        '# Tiny model',
        'A small classifier trained on [IMDB](https://huggingface.co/datasets/imdb).',
        '## Usage',
        '```python',
        'from transformers import pipeline',
        '```',
        '## Results',
        '| Metric | Value |',
        '|---|---|',
        '| accuracy | 91.2 |',
      ].join('\n'),
    );
    expect(card.frontMatter).toBe('ok');
    expect(card.sections.map((s) => s.heading)).toEqual(['', 'tiny model', 'usage', 'results']);
    expect(card.codeBlocks).toEqual([{ lang: 'python', code: 'from transformers import pipeline', section: 'usage' }]);
    expect(card.sections[3].tables[0]).toEqual({ header: ['Metric', 'Value'], rows: [['accuracy', '91.2']] });
    expect(card.links).toEqual(['https://huggingface.co/datasets/imdb']);
    expect(card.prose).not.toContain('license');
  });

  it('ignores HTML comments, template boilerplate and placeholders', () => {
    const card = readCard(
      [
        '# Model Card for Model ID',
        '<!-- Provide a quick summary',
        'of what the model is. -->',
        'This is the model card of a 🤗 transformers model that has been pushed on the Hub. This model card has been automatically generated.',
        '- **Developed by:** [More Information Needed]',
        'Trained by us.',
      ].join('\n'),
    );
    expect(card.words).toBe(3);
    expect(card.templateLines).toBe(1);
    expect(card.placeholders).toBe(1);
  });

  it('reads past broken front matter from the first heading on', () => {
    const card = readCard('---\nlicense: [mit\nbase_model: x\n# Real card\nUseful words here.');
    expect(card.frontMatter).toBe('broken');
    expect(card.sections.map((s) => s.heading)).toContain('real card');
    expect(card.prose).toBe('Useful words here.');
  });

  it('treats a missing or blank card as absent', () => {
    expect(readCard(undefined).present).toBe(false);
    expect(readCard('  \n ').present).toBe(false);
  });

  it('keeps an unclosed code fence as code', () => {
    expect(readCard('```python\nimport torch').codeBlocks).toHaveLength(1);
  });

  it('bounds the work on a 50 MB README', () => {
    const huge = `# Card\n${'word '.repeat(10_000_000)}`;
    const started = performance.now();
    const card = readCard(huge);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(card.truncated).toBe(true);
    expect(card.words).toBeLessThanOrEqual(CARD_ANALYSIS_MAX_CHARS / 2);
  });
});
