/**
 * The trust metrics of a model rating (the spec's ModelRating). Every score lies in [0, 1], higher is better, and
 * each metric reports how long it took in a `<metric>_latency` field (seconds).
 */
export const SCALAR_METRICS = [
  'ramp_up_time',
  'bus_factor',
  'performance_claims',
  'license',
  'dataset_and_code_score',
  'dataset_quality',
  'code_quality',
  'reproducibility',
  'reviewedness',
  'tree_score',
] as const;
export type ScalarMetric = (typeof SCALAR_METRICS)[number];

/** `size_score` is one score per deployment target, from the smallest device to the largest. */
export const SIZE_SCORE_TARGETS = ['raspberry_pi', 'jetson_nano', 'desktop_pc', 'aws_server'] as const;
export type SizeScoreTarget = (typeof SIZE_SCORE_TARGETS)[number];
export type SizeScore = Record<SizeScoreTarget, number>;

/** Every metric with a latency field: the overall score, the scalar sub-metrics and the size score. */
export const RATING_METRICS = ['net_score', ...SCALAR_METRICS, 'size_score'] as const;
export type RatingMetric = (typeof RATING_METRICS)[number];
export type LatencyField = `${RatingMetric}_latency`;

/** A metric with one number as its score. */
export type ScoreMetric = Exclude<RatingMetric, 'size_score'>;

export type ModelRating = { name: string; category: string; size_score: SizeScore } & Record<ScoreMetric, number> & Record<LatencyField, number>;

export const MIN_SCORE = 0;
export const MAX_SCORE = 1;

/**
 * `reviewedness` when the model has no linked GitHub repository (the course spec says -1): "not applicable", which
 * readers must not average or compare as if it were a very bad score.
 */
export const NOT_APPLICABLE_SCORE = -1;

export function latencyField(metric: RatingMetric): LatencyField {
  return `${metric}_latency`;
}

/** Whether `value` is an acceptable score for `metric`: finite, in [0, 1], or -1 for reviewedness only. */
export function isValidScore(metric: ScoreMetric | SizeScoreTarget, value: number): boolean {
  if (metric === 'reviewedness' && value === NOT_APPLICABLE_SCORE) return true;
  return Number.isFinite(value) && value >= MIN_SCORE && value <= MAX_SCORE;
}

/** Clamps a computed score into [0, 1] (NaN becomes 0): heuristics may overshoot, a rating may not. */
export function clampScore(value: number): number {
  if (Number.isNaN(value)) return MIN_SCORE;
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, value));
}

/** Everything wrong with a rating (scores out of range, negative or non-finite latencies); empty when it is valid. */
export function ratingProblems(rating: ModelRating): string[] {
  const problems: string[] = [];
  for (const metric of RATING_METRICS) {
    if (metric === 'size_score') {
      for (const target of SIZE_SCORE_TARGETS) {
        const value = rating.size_score[target];
        if (!isValidScore(target, value)) problems.push(`size_score.${target} is ${value}, outside [0, 1]`);
      }
    } else if (!isValidScore(metric, rating[metric])) {
      problems.push(`${metric} is ${rating[metric]}, outside [0, 1]`);
    }
    const latency = rating[latencyField(metric)];
    if (!Number.isFinite(latency) || latency < 0) problems.push(`${latencyField(metric)} is ${latency}, not a duration in seconds`);
  }
  return problems;
}
