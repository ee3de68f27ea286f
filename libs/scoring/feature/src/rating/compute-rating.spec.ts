import { RATING_METRICS, ratingProblems } from '@modelguard/domain';
import { describe, expect, it } from 'vitest';
import { file, modelEvidence } from '../../test/evidence-builder';
import { loadRatingFixture } from '../../test/rating-fixtures';
import type { CardAnalyser } from '../metrics/card-analyser';
import { netScore } from '../metrics/net-score.metric';
import { computeRating } from './compute-rating';
import type { RatingEvidence } from './rating-evidence';

describe('computeRating', () => {
  it('produces a valid rating with every field, latencies in seconds, and a reason per metric', async () => {
    const { rating, reasons } = await computeRating(loadRatingFixture('whisper-tiny'));
    expect(ratingProblems(rating)).toEqual([]);
    expect(rating.category).toBe('MODEL');
    for (const metric of RATING_METRICS) {
      expect(rating[`${metric}_latency`]).toBeGreaterThanOrEqual(0);
      expect(rating[`${metric}_latency`]).toBeLessThan(5);
      expect(reasons[metric].length).toBeGreaterThan(0);
    }
    expect(rating.net_score_latency).toBeGreaterThanOrEqual(Math.max(rating.license_latency, rating.size_score_latency));
  });

  it('is deterministic', async () => {
    const strip = (r: Awaited<ReturnType<typeof computeRating>>) => Object.fromEntries(Object.entries(r.rating).filter(([k]) => !k.endsWith('_latency')));
    const evidence = loadRatingFixture('bert-base-uncased');
    expect(strip(await computeRating(evidence))).toEqual(strip(await computeRating(evidence)));
  });

  it('rates a package without a card, using fallbacks and saying so', async () => {
    const result = await computeRating(modelEvidence({ files: [file('model.safetensors', 50_000_000)], metadata: { upstream: { repo: 'acme/tiny-model' } } }));
    expect(ratingProblems(result.rating)).toEqual([]);
    expect(result.rating.ramp_up_time).toBe(0);
    expect(result.fallbacks).toEqual(expect.arrayContaining(['ramp_up_time', 'performance_claims', 'reproducibility', 'reviewedness', 'tree_score']));
    expect(result.reasons.ramp_up_time).toContain('no model card');
  });

  it('rates a card with broken front matter', async () => {
    const result = await computeRating(modelEvidence({ metadata: { readme: '---\nlicense: [apache-2.0\ntags: {\n# Model\n## License\nApache-2.0' } }));
    expect(result.rating.license).toBe(1);
    expect(result.reasons.ramp_up_time).toContain('front matter unreadable');
  });

  it('bounds the work on a 50 MB README with hostile patterns', async () => {
    const line = `| ${'9.9 | '.repeat(50)}\n${'accuracy '.repeat(20)}${'('.repeat(200)}\n\`\`\`python\nimport torch\n${'['.repeat(1000)}\n\`\`\`\n`;
    const readme = `# Card\n## Results\n${line.repeat(Math.ceil(50_000_000 / line.length))}`;
    const started = performance.now();
    const result = await computeRating(modelEvidence({ metadata: { readme } }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(ratingProblems(result.rating)).toEqual([]);
    expect(result.reasons.ramp_up_time).toContain('card truncated for analysis');
  });

  it('survives evidence of the wrong shape', async () => {
    const garbage = { artifact: { id: 'x', name: 'x', type: 'model' }, version: '1', source: 'upload', url: '', files: null, metadata: null } as unknown as RatingEvidence;
    const result = await computeRating(garbage);
    expect(ratingProblems(result.rating)).toEqual([]);
  });

  it('records GitHub failures in the reasons and still rates', async () => {
    const result = await computeRating({ ...loadRatingFixture('bert-base-uncased'), github: { unavailable: 'rate limited (403), retry after 60 s' } });
    expect(result.rating.reviewedness).toBe(-1);
    expect(result.reasons.reviewedness).toContain('rate limited');
    expect(result.reasons.bus_factor).toContain('rate limited');
  });

  it('degrades a failing analyser to the deterministic rules', async () => {
    const failing: CardAnalyser = {
      name: 'llm:test',
      rampUp: () => Promise.reject(new Error('502 from the model')),
      performanceClaims: () => Promise.reject(new Error('502 from the model')),
      reproducibility: () => Promise.reject(new Error('502 from the model')),
    };
    const evidence = loadRatingFixture('whisper-tiny');
    const degraded = await computeRating(evidence, { analyser: failing });
    const plain = await computeRating(evidence);
    expect(degraded.rating.ramp_up_time).toBe(plain.rating.ramp_up_time);
    expect(degraded.reasons.ramp_up_time).toContain('analyser llm:test failed: 502 from the model');
  });

  it('gives a hanging metric its fallback after the timeout', async () => {
    const hanging: CardAnalyser = {
      name: 'llm:slow',
      rampUp: () => new Promise(() => undefined),
      performanceClaims: () => Promise.resolve({ score: 2, reason: 'out of range', fallback: false }),
      reproducibility: () => Promise.resolve({ score: 1, reason: 'fine', fallback: false }),
    };
    const result = await computeRating(loadRatingFixture('whisper-tiny'), { analyser: hanging, metricTimeoutMs: 50 });
    expect(result.rating.ramp_up_time).toBe(0);
    expect(result.reasons.ramp_up_time).toContain('timed out after 50 ms');
    expect(result.rating.performance_claims).toBe(0);
    expect(result.reasons.performance_claims).toContain('invalid score');
    expect(result.fallbacks).toEqual(expect.arrayContaining(['ramp_up_time', 'performance_claims']));
    expect(result.rating.ramp_up_time_latency).toBeGreaterThanOrEqual(0.04);
  });
});

describe('net_score', () => {
  const findings = (over: Record<string, number> = {}) => {
    const scalar = (score: number, fallback = false) => ({ score, reason: '', fallback });
    const base = { ramp_up_time: 1, bus_factor: 1, performance_claims: 1, license: 1, dataset_and_code_score: 1, dataset_quality: 1, code_quality: 1, reproducibility: 1, reviewedness: 1, tree_score: 1, ...over };
    return {
      ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k, scalar(v, k === 'tree_score' && v === 0.5)])),
      size_score: { score: { raspberry_pi: 1, jetson_nano: 1, desktop_pc: 1, aws_server: 1 }, reason: '', fallback: false },
    } as Parameters<typeof netScore>[0];
  };

  it('is 1 when everything is 1 and leaves out reviewedness -1 and a parentless tree score', () => {
    expect(netScore(findings()).score).toBe(1);
    expect(netScore(findings({ reviewedness: -1, tree_score: 0.5 }))).toMatchObject({ score: 1, reason: expect.stringContaining('not applicable: tree_score, reviewedness') });
  });

  it('falls with a bad license or a poor lineage', () => {
    expect(netScore(findings({ license: 0 })).score).toBeCloseTo(0.9, 1);
    expect(netScore(findings({ tree_score: 0.1 })).score).toBeLessThan(1);
  });
});
