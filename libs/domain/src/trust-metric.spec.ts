import { describe, expect, it } from 'vitest';
import { RATING_METRICS, SCALAR_METRICS, SIZE_SCORE_TARGETS, clampScore, isValidScore, latencyField, ratingProblems, type ModelRating } from './trust-metric';

/** A rating with every score at `score` and every latency at 0.25 s. */
function rating(score: number): ModelRating {
  const r: Record<string, unknown> = { name: 'bert-base-uncased', category: 'MODEL' };
  for (const m of RATING_METRICS) {
    r[m] = score;
    r[latencyField(m)] = 0.25;
  }
  r['size_score'] = Object.fromEntries(SIZE_SCORE_TARGETS.map((t) => [t, score]));
  return r as ModelRating;
}

describe('trust metrics', () => {
  it('name the spec fields: 10 scalar metrics, size_score on 4 targets, a latency for each of 12 metrics', () => {
    expect(SCALAR_METRICS).toHaveLength(10);
    expect(RATING_METRICS).toHaveLength(12);
    expect(latencyField('size_score')).toBe('size_score_latency');
    expect(Object.keys(rating(0.5)).filter((k) => k.endsWith('_latency'))).toHaveLength(12);
  });

  it.each([0, 0.5, 1])('accept a score of %s', (v) => expect(isValidScore('bus_factor', v)).toBe(true));
  it.each([-0.01, 1.01, NaN, Infinity, -1])('refuse a score of %s', (v) => expect(isValidScore('bus_factor', v)).toBe(false));

  it('allow -1 for reviewedness only (no linked GitHub repository)', () => {
    expect(isValidScore('reviewedness', -1)).toBe(true);
    expect(isValidScore('reviewedness', -0.5)).toBe(false);
    expect(isValidScore('tree_score', -1)).toBe(false);
  });

  it('clamp computed scores into [0, 1]', () => {
    expect([clampScore(-3), clampScore(0.3), clampScore(7), clampScore(NaN)]).toEqual([0, 0.3, 1, 0]);
  });

  it('find nothing wrong with a valid rating', () => {
    expect(ratingProblems(rating(1))).toEqual([]);
    expect(ratingProblems({ ...rating(0), reviewedness: -1 })).toEqual([]);
  });

  it('list every problem of an invalid rating', () => {
    const bad = { ...rating(0.5), license: 1.5, net_score_latency: -1, size_score: { ...rating(0.5).size_score, jetson_nano: 2 } };
    expect(ratingProblems(bad)).toEqual([
      'net_score_latency is -1, not a duration in seconds',
      'license is 1.5, outside [0, 1]',
      'size_score.jetson_nano is 2, outside [0, 1]',
    ]);
  });
});
