import type { MetricOutcome } from '../rating/rating-evidence';

/**
 * What a metric function returns: its score and why. The latency is measured around the call by computeRating,
 * so a metric never times itself (and a slow metric cannot under-report).
 */
export type MetricFinding<S = number> = Omit<MetricOutcome<S>, 'latencySeconds'>;

/** A score computed from evidence. */
export function scored<S>(score: S, reason: string): MetricFinding<S> {
  return { score, reason, fallback: false };
}

/** The documented fallback value, used because the evidence the metric needs does not exist. */
export function fellBack<S>(score: S, reason: string): MetricFinding<S> {
  return { score, reason, fallback: true };
}

/** Scores are reported with two decimals, as the course's sample output does; more digits would be false precision. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** min(1, value / target) for a count that saturates at `target`. */
export function saturate(value: number, target: number): number {
  if (!(target > 0) || !Number.isFinite(value) || value <= 0) return 0;
  return Math.min(1, value / target);
}

/** A popularity count on a log scale: 0 at 0, 1 at `fullAt` and above. */
export function logScale(count: number | undefined, fullAt: number): number {
  if (count === undefined || !Number.isFinite(count) || count <= 0) return 0;
  return Math.min(1, Math.log10(count + 1) / Math.log10(fullAt + 1));
}
