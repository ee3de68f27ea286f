import { MAX_SCORE, MIN_SCORE, NOT_APPLICABLE_SCORE, type ModelRating, RATING_METRICS, SIZE_SCORE_TARGETS, latencyField } from '@modelguard/domain';
import { z } from 'zod';

const score = z.number().min(MIN_SCORE).max(MAX_SCORE);
/** `reviewedness` may also be -1: no linked repository, "not applicable" (the domain's NOT_APPLICABLE_SCORE). */
const reviewedness = z.union([z.literal(NOT_APPLICABLE_SCORE), score]);
const latency = z.number().nonnegative();

const sizeScore = z.object(Object.fromEntries(SIZE_SCORE_TARGETS.map((t) => [t, score])) as Record<(typeof SIZE_SCORE_TARGETS)[number], typeof score>);

const metricFields = Object.fromEntries(
  RATING_METRICS.flatMap((metric) => [
    [metric, metric === 'size_score' ? sizeScore : metric === 'reviewedness' ? reviewedness : score],
    [latencyField(metric), latency],
  ]),
) as Record<string, z.ZodType>;

/**
 * The spec's ModelRating: net score, every sub-metric with its latency (seconds), `size_score` per device. Scores
 * lie in [0, 1]; `reviewedness` may be -1 (no linked repository). Built from the domain's metric list, so a metric
 * added there is required here too.
 */
export const ModelRatingV1 = z.object({ name: z.string().min(1), category: z.string(), ...metricFields }) as unknown as z.ZodType<ModelRating>;
export type ModelRatingV1 = ModelRating;
