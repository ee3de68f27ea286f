import { describe, expect, it } from 'vitest';
import { contextOf, modelEvidence } from '../../test/evidence-builder';
import { loadRatingFixture } from '../../test/rating-fixtures';
import { performanceClaimsRules } from './performance-claims.metric';
import { rampUpTimeRules } from './ramp-up-time.metric';
import { reproducibilityRules } from './reproducibility.metric';

const withCard = (readme: string | undefined, metadata = {}) => contextOf(modelEvidence({ metadata: { upstream: { repo: 'acme/tiny-model', libraryName: 'transformers' }, readme, ...metadata } }));

describe('ramp_up_time', () => {
  it('rates the thorough cards of the sample models high and the auto-generated template low', () => {
    expect(rampUpTimeRules(contextOf(loadRatingFixture('bert-base-uncased'))).score).toBeGreaterThanOrEqual(0.85);
    expect(rampUpTimeRules(contextOf(loadRatingFixture('whisper-tiny'))).score).toBeGreaterThanOrEqual(0.8);
    const template = rampUpTimeRules(contextOf(loadRatingFixture('audience_classifier_model')));
    expect(template.score).toBeLessThanOrEqual(0.3);
    expect(template.reason).toMatch(/template lines and \d+ placeholders ignored/);
  });

  it('credits installation steps and a usage example that loads this model', () => {
    const bare = rampUpTimeRules(withCard('# Tiny model\nA model.'));
    const usable = rampUpTimeRules(withCard('# Tiny model\nA model.\n## Installation\n```bash\npip install transformers\n```\n## Usage\n```python\nfrom transformers import pipeline\np = pipeline("text-classification", model="acme/tiny-model")\n```'));
    expect(usable.score - bare.score).toBeCloseTo(0.1 + 0.25 + 0.2 * (1 / 5), 2);
  });

  it('falls back to the library part when there is no card', () => {
    expect(rampUpTimeRules(withCard(undefined))).toMatchObject({ score: 0.2, fallback: true });
  });

  it('still reads a card whose front matter is broken', () => {
    const result = rampUpTimeRules(withCard('---\nlicense: [mit\n# Tiny model\n## Usage\n```python\nimport torch\n```'));
    expect(result.fallback).toBe(false);
    expect(result.reason).toContain('front matter unreadable');
  });
});

describe('performance_claims', () => {
  it('counts results tables, model-index results, benchmarks and citations', () => {
    const bert = performanceClaimsRules(contextOf(loadRatingFixture('bert-base-uncased')));
    expect(bert.reason).toContain('9 numbers in results tables');
    expect(bert.score).toBe(1);
    const whisper = performanceClaimsRules(contextOf(loadRatingFixture('whisper-tiny')));
    expect(whisper.reason).toContain('3 model-index results');
    expect(whisper.score).toBeCloseTo(0.85, 2);
  });

  it('counts metric statements in prose but not numbers printed by code', () => {
    const prose = performanceClaimsRules(withCard('# M\nIt reaches an accuracy of 91.2% and F1 of 0.88 on IMDB.'));
    expect(prose.reason).toContain('2 metric statements in prose');
    const percentFirst = performanceClaimsRules(withCard('# M\nIt reaches 76.1% top-1 accuracy on ImageNet, ~0.5% top1 more than v1, at a cost of ~5% imgs/sec.'));
    expect(percentFirst.reason).toContain('3 metric statements in prose');
    const notClaims = performanceClaimsRules(withCard('# M\nTrained on 80% of the data; 20% of the samples were held out.'));
    expect(notClaims.reason).toContain('0 metric statements in prose');
    const code = performanceClaimsRules(withCard('# M\n```python\nprint("accuracy", 0.91)\n```'));
    expect(code.reason).toContain('0 metric statements in prose');
  });

  it('ignores non-result tables (a checkpoint size table is not a claim)', () => {
    const result = performanceClaimsRules(withCard('# M\n## Model details\n| Size | Parameters |\n|---|---|\n| tiny | 39 |'));
    expect(result.reason).toContain('0 numbers in results tables');
  });

  it('tolerates a malformed model-index', () => {
    const result = performanceClaimsRules(withCard('# M', { cardData: { 'model-index': [{ results: [null, { metrics: [{ value: 'n/a' }, { value: 3.2 }] }] }, 'x'] } }));
    expect(result.reason).toContain('1 model-index results');
  });

  it('falls back when there is neither card nor model-index', () => {
    expect(performanceClaimsRules(withCard(undefined))).toMatchObject({ score: 0, fallback: true });
  });
});

describe('reproducibility', () => {
  const block = (code: string) => `# M\n## Usage\n\`\`\`python\n${code}\n\`\`\``;

  it('gives 1 to demo code that names the model, parses and imports known libraries', () => {
    expect(reproducibilityRules(contextOf(loadRatingFixture('whisper-tiny'))).score).toBe(1);
    expect(reproducibilityRules(contextOf(loadRatingFixture('bert-base-uncased'))).score).toBe(1);
  });

  it('gives 0.5 when one of the three checks fails', () => {
    const unknownImport = reproducibilityRules(withCard(block('from acme_internal import Loader\nm = Loader("acme/tiny-model")')));
    expect(unknownImport).toMatchObject({ score: 0.5 });
    expect(unknownImport.reason).toContain('acme_internal');
    expect(reproducibilityRules(withCard(block('from transformers import AutoModel\nm = AutoModel.from_pretrained("someone/else")'))).score).toBe(0.5);
    expect(reproducibilityRules(withCard(block('from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/tiny-model"'))).score).toBe(0.5);
  });

  it('gives 0 to code that fails two checks, and to cards without Python code', () => {
    expect(reproducibilityRules(withCard(block('import secret_sauce\nrun(')))).toMatchObject({ score: 0 });
    expect(reproducibilityRules(withCard('# M\n```bash\ncurl https://example.com\n```'))).toMatchObject({ score: 0, fallback: false });
    expect(reproducibilityRules(contextOf(loadRatingFixture('audience_classifier_model'))).score).toBe(0);
  });

  it('falls back to 0 without a card', () => {
    expect(reproducibilityRules(withCard(undefined))).toMatchObject({ score: 0, fallback: true });
  });
});
