import { NOT_APPLICABLE_SCORE, RATING_METRICS, type RatingMetric, SIZE_SCORE_TARGETS } from '@modelguard/domain';
import type { ComputedRating, RatingEvidence } from './rating-evidence';

/** The course's bar: every non-latency metric at least this. */
export const INGEST_GATE_THRESHOLD = 0.5;

/**
 * Metrics whose evidence is the card itself (or the rating as a whole): a missing or junk card is exactly what the
 * gate exists to refuse, so these are checked even when they used their fallback value.
 */
const ALWAYS_GATED: ReadonlySet<RatingMetric> = new Set(['net_score', 'ramp_up_time', 'performance_claims', 'license', 'reproducibility']);

export interface GateFailure {
  metric: RatingMetric;
  /** The score the gate compared (for size_score: its best device). */
  value: number;
  threshold: number;
}

export interface IngestGateVerdict {
  passed: boolean;
  failures: GateFailure[];
  /** Metrics the gate did not check, because the evidence they need does not exist for this model. */
  exempt: RatingMetric[];
}

/**
 * Decides whether a model fetched from Hugging Face earns its place in the registry (the spec's 424 "not
 * registered due to the disqualified rating"). Every non-latency metric must be ≥ 0.5, with these exemptions
 * (scoring README, "The ingest gate"):
 *   - reviewedness at -1 (no linked GitHub repository to review);
 *   - any metric that used its documented fallback because its evidence does not exist (tree_score without rated
 *     parents, dataset/code metrics with nothing registered with the model, bus_factor without any signal) —
 *     except the card metrics and net_score, whose evidence is the card: its absence must fail them;
 *   - size_score passes when the model fits at least one device class ACME deploys to (its best device ≥ 0.5):
 *     a model too big for a Raspberry Pi is not untrustworthy;
 *   - the dataset and code metrics when the companions were linked only by registration order (the course's
 *     convention: the newest dataset/code registered before the model), not named by the card: the rating reports
 *     their quality, but an unrelated upload made just before cannot keep a model out.
 */
export function ingestGate(computed: Pick<ComputedRating, 'rating' | 'fallbacks'>, evidence: Pick<RatingEvidence, 'linkedCode' | 'linkedDataset'> = {}): IngestGateVerdict {
  const fellBack = new Set<RatingMetric>([...computed.fallbacks, ...guessedCompanionMetrics(evidence)]);
  const failures: GateFailure[] = [];
  const exempt: RatingMetric[] = [];
  for (const metric of RATING_METRICS) {
    const value = gatedValue(computed.rating, metric);
    if (metric === 'reviewedness' && value === NOT_APPLICABLE_SCORE) exempt.push(metric);
    else if (fellBack.has(metric) && !ALWAYS_GATED.has(metric)) exempt.push(metric);
    else if (!(value >= INGEST_GATE_THRESHOLD)) failures.push({ metric, value, threshold: INGEST_GATE_THRESHOLD });
  }
  return { passed: failures.length === 0, failures, exempt };
}

function guessedCompanionMetrics({ linkedCode, linkedDataset }: Pick<RatingEvidence, 'linkedCode' | 'linkedDataset'>): RatingMetric[] {
  const guessed = (linked: { linkedBy?: string } | undefined) => linked === undefined || linked.linkedBy === 'registration-order';
  const metrics: RatingMetric[] = [];
  if (linkedCode?.linkedBy === 'registration-order') metrics.push('code_quality');
  if (linkedDataset?.linkedBy === 'registration-order') metrics.push('dataset_quality');
  if (guessed(linkedCode) && guessed(linkedDataset)) metrics.push('dataset_and_code_score');
  return metrics;
}

function gatedValue(rating: ComputedRating['rating'], metric: RatingMetric): number {
  if (metric === 'size_score') return Math.max(...SIZE_SCORE_TARGETS.map((device) => rating.size_score[device]));
  return rating[metric];
}

/** One line for people: `license 0.00 < 0.5, ramp_up_time 0.20 < 0.5`. */
export function describeGateFailures(failures: readonly GateFailure[]): string {
  return failures.map((f) => `${f.metric} ${f.value.toFixed(2)} < ${f.threshold}`).join(', ');
}
