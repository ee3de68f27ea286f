import type { RatingComputedV1 } from '@modelguard/contracts';
import { RATING_METRICS, SIZE_SCORE_TARGETS, type ModelRating } from '@modelguard/domain';

/** A schema-valid ModelRating with every score set to `score` (reviewedness -1: no linked repository). */
export function sampleModelRating(name: string, score = 0.75): ModelRating {
  const rating: Record<string, unknown> = { name, category: 'MODEL' };
  for (const metric of RATING_METRICS) {
    rating[metric] = metric === 'size_score' ? Object.fromEntries(SIZE_SCORE_TARGETS.map((t) => [t, score])) : metric === 'reviewedness' ? -1 : score;
    rating[`${metric}_latency`] = 0.012;
  }
  return rating as ModelRating;
}

/** The RatingComputed payload the scoring service would publish for a model version. */
export function sampleRatingComputed(
  ref: { artifactId: string; name: string },
  version: string,
  opts: { score?: number; computedAt?: Date; gate?: RatingComputedV1['gate'] } = {},
): RatingComputedV1 {
  return {
    artifactId: ref.artifactId,
    artifactType: 'model',
    name: ref.name,
    version,
    rating: sampleModelRating(ref.name, opts.score),
    reasons: Object.fromEntries(RATING_METRICS.map((m) => [m, `fixture reason for ${m}`])) as RatingComputedV1['reasons'],
    fallbacks: ['reviewedness'],
    computedAt: (opts.computedAt ?? new Date()).toISOString(),
    ...(opts.gate ? { gate: opts.gate } : {}),
  };
}
