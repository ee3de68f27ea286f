import { SIZE_SCORE_TARGETS } from '@modelguard/domain';
import { describe, expect, it } from 'vitest';
import { courseReference, loadRatingFixture, SAMPLE_MODELS } from '../../test/rating-fixtures';
import { computeRating } from './compute-rating';

/** The course's sample output (§4.1 of the course notes) within ±0.1, metric by metric. */
const TOLERANCE = 0.1 + 1e-9;
const COURSE_METRICS = ['net_score', 'ramp_up_time', 'bus_factor', 'performance_claims', 'license', 'dataset_and_code_score', 'dataset_quality', 'code_quality'] as const;

describe('calibration against the course sample models', () => {
  describe.each(SAMPLE_MODELS)('%s', (name) => {
    it('lands every metric of the sample output within ±0.1', async () => {
      const { rating } = await computeRating(loadRatingFixture(name));
      const reference = courseReference(name);
      const off: string[] = [];
      for (const metric of COURSE_METRICS) if (Math.abs(rating[metric] - reference[metric]) > TOLERANCE) off.push(`${metric}: ${rating[metric]} vs ${reference[metric]}`);
      for (const target of SIZE_SCORE_TARGETS) {
        if (Math.abs(rating.size_score[target] - reference.size_score[target]) > TOLERANCE) off.push(`size_score.${target}: ${rating.size_score[target]} vs ${reference.size_score[target]}`);
      }
      expect(off).toEqual([]);
      expect(rating.name).toBe(name);
    });
  });

  it('keeps the Phase 2 metrics consistent with the samples', async () => {
    const [bert, audience, whisper] = await Promise.all(SAMPLE_MODELS.map((n) => computeRating(loadRatingFixture(n))));
    expect([bert.rating.reproducibility, audience.rating.reproducibility, whisper.rating.reproducibility]).toEqual([1, 0, 1]);
    expect(bert.rating.reviewedness).toBeGreaterThanOrEqual(0);
    expect([audience.rating.reviewedness, whisper.rating.reviewedness]).toEqual([-1, -1]);
    expect(bert.fallbacks).toEqual(['tree_score']);
    expect(whisper.fallbacks).toEqual(expect.arrayContaining(['dataset_and_code_score', 'dataset_quality', 'code_quality', 'reviewedness', 'tree_score']));
  });
});
