import { describe, expect, it } from 'vitest';
import { LlmCardFactsSchema, verifyFacts } from './llm-card-facts';

const card = [
  '# Tiny classifier',
  'Tiny classifier sorts **support tickets** into twelve queues for the help desk.',
  'It was evaluated on [GLUE](https://gluebenchmark.com) and reaches an accuracy of 91.2% on the SST-2 split.',
  '| task | F1 |',
  '|---|---|',
  '| MRPC | 88.4 |',
  'Install it with `pip install tiny-classifier`.',
].join('\n');

const verify = (facts: unknown) => verifyFacts(LlmCardFactsSchema.parse(facts), card);

describe('verifyFacts', () => {
  it('keeps a topic whose quote is in the card, read as rendered (links, emphasis, case, whitespace)', () => {
    const facts = verify({
      topics: [
        { topic: 'overview', quote: 'tiny classifier sorts support tickets into twelve   queues for the help desk.' },
        { topic: 'evaluation', quote: 'It was evaluated on GLUE and reaches an accuracy of 91.2% on the SST-2 split.' },
      ],
    });
    expect(facts).toMatchObject({ topics: ['overview', 'evaluation'], discarded: 0 });
  });

  it('discards invented quotes, unknown topics, short quotes and one quote reused for several topics', () => {
    const facts = verify({
      topics: [
        { topic: 'limitations', quote: 'The model has no known limitations in any domain.' },
        { topic: 'license', quote: 'Tiny classifier sorts support tickets into twelve queues for the help desk.' },
        { topic: 'usage', quote: 'Tiny classifier' },
        { topic: 'overview', quote: 'Tiny classifier sorts support tickets into twelve queues for the help desk.' },
        { topic: 'uses', quote: 'Tiny classifier sorts support tickets into twelve queues for the help desk.' },
      ],
    });
    expect(facts).toMatchObject({ topics: ['overview'], discarded: 4 });
  });

  it('counts a claim only when its value is in its quote and the quote in the card; a benchmark only with a claim on it', () => {
    const facts = verify({
      claims: [
        { metric: 'accuracy', value: '91.2%', dataset: 'SST-2', quote: 'reaches an accuracy of 91.2% on the SST-2 split' },
        { metric: 'F1', value: 88.4, dataset: 'MRPC', quote: 'MRPC | 88.4' },
        { metric: 'accuracy', value: '91.2%', dataset: 'SST-2', quote: 'reaches an accuracy of 91.2% on the SST-2 split' },
        { metric: 'accuracy', value: '99.9', dataset: 'SST-2', quote: 'reaches an accuracy of 91.2% on the SST-2 split' },
        { metric: 'accuracy', value: '99.9', dataset: 'MMLU', quote: 'accuracy of 99.9 on MMLU' },
        { metric: 'quality', value: 'excellent', quote: 'Tiny classifier' },
      ],
      benchmarks: ['SST-2', 'GLUE', 'ImageNet'],
    });
    expect(facts.claims).toBe(2);
    // GLUE is in the card, but no quoted result is on it; ImageNet is not in the card at all.
    expect(facts.benchmarks).toEqual(['sst-2']);
    expect(facts.discarded).toBe(3 + 2);
  });

  it('accepts an installation quote only if it installs something; keeps the demo verdict printable', () => {
    expect(verify({ installation: { quote: 'pip install tiny-classifier' } }).installation).toBe(true);
    expect(verify({ installation: { quote: 'Tiny classifier sorts support tickets' } })).toMatchObject({ installation: false, discarded: 1 });
    const demo = verify({ demo: { runnable: false, problem: 'line one\n\u001b[31mred\u001b[0m ' + 'x'.repeat(400) } }).demo;
    expect(demo?.runnable).toBe(false);
    expect(demo?.problem).toMatch(/^line one \[31mred \[0m x+$/);
    expect(demo?.problem?.length).toBeLessThanOrEqual(160);
  });

  it('reads an empty answer as no facts; refuses a wrong shape', () => {
    expect(verify({})).toEqual({ topics: [], installation: false, claims: 0, benchmarks: [], demo: null, discarded: 0 });
    expect(LlmCardFactsSchema.safeParse({ topics: 'all' }).success).toBe(false);
    expect(LlmCardFactsSchema.safeParse({ demo: { runnable: 'yes' } }).success).toBe(false);
  });
});
