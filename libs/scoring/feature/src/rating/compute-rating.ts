import { performance } from 'node:perf_hooks';
import {
  isValidScore,
  type ModelRating,
  NOT_APPLICABLE_SCORE,
  type RatingMetric,
  ratingProblems,
  SCALAR_METRICS,
  type ScalarMetric,
  SIZE_SCORE_TARGETS,
  type SizeScore,
} from '@modelguard/domain';
import { busFactor } from '../metrics/bus-factor.metric';
import type { CardAnalyser } from '../metrics/card-analyser';
import { readCard } from '../metrics/card-document';
import { codeQuality } from '../metrics/code-quality.metric';
import { datasetAndCodeScore } from '../metrics/dataset-and-code.metric';
import { datasetQuality } from '../metrics/dataset-quality.metric';
import { DeterministicCardAnalyser } from '../metrics/deterministic-card-analyser';
import { license } from '../metrics/license.metric';
import type { MetricContext } from '../metrics/metric-context';
import { fellBack, type MetricFinding } from '../metrics/metric-finding';
import { netScore, type SubMetricFindings } from '../metrics/net-score.metric';
import { performanceClaims } from '../metrics/performance-claims.metric';
import { rampUpTime } from '../metrics/ramp-up-time.metric';
import { reproducibility } from '../metrics/reproducibility.metric';
import { reviewedness } from '../metrics/reviewedness.metric';
import { sizeScore } from '../metrics/size-score.metric';
import { TREE_SCORE_WITHOUT_PARENTS, treeScore } from '../metrics/tree-score.metric';
import type { ComputedRating, MetricOutcome, RatingEvidence } from './rating-evidence';

export interface ComputeRatingOptions {
  /** Reads cards for ramp-up, performance claims and reproducibility; the deterministic analyser by default. */
  analyser?: CardAnalyser;
  /** A metric still running after this long gets its fallback (an analyser calling out must not stall a rating). */
  metricTimeoutMs?: number;
}

export const DEFAULT_METRIC_TIMEOUT_MS = 10_000;
const deterministic = new DeterministicCardAnalyser();

type Metric<S> = (ctx: MetricContext) => MetricFinding<S> | Promise<MetricFinding<S>>;

const SCALAR_METRIC_FUNCTIONS: Record<ScalarMetric, Metric<number>> = {
  ramp_up_time: rampUpTime,
  bus_factor: busFactor,
  performance_claims: performanceClaims,
  license,
  dataset_and_code_score: datasetAndCodeScore,
  dataset_quality: datasetQuality,
  code_quality: codeQuality,
  reproducibility,
  reviewedness,
  tree_score: treeScore,
};

/**
 * The value a metric gets when computing it failed (threw, timed out, returned something out of range): the same
 * documented value it uses when its evidence does not exist, so a failure never looks better than missing evidence.
 */
const FAILURE_FALLBACKS: Record<ScalarMetric, number> = {
  ramp_up_time: 0,
  bus_factor: 0.5,
  performance_claims: 0,
  license: 0,
  dataset_and_code_score: 0,
  dataset_quality: 0,
  code_quality: 0,
  reproducibility: 0,
  reviewedness: NOT_APPLICABLE_SCORE,
  tree_score: TREE_SCORE_WITHOUT_PARENTS,
};
const SIZE_FAILURE_FALLBACK = Object.fromEntries(SIZE_SCORE_TARGETS.map((t) => [t, 0.5])) as SizeScore;

/**
 * Computes every metric of a model rating from its evidence, all at once, each timed on its own (seconds). Never
 * throws for a metric: one that fails gets its fallback value and the failure as its reason, and the rating is
 * still produced. net_score is computed from the others, so its latency is the whole rating's.
 */
export async function computeRating(evidence: RatingEvidence, opts: ComputeRatingOptions = {}): Promise<ComputedRating> {
  const started = performance.now();
  const ctx = contextOf(evidence, opts.analyser ?? deterministic);
  const timeoutMs = opts.metricTimeoutMs ?? DEFAULT_METRIC_TIMEOUT_MS;
  const [size, ...scalars] = await Promise.all([
    measure('size_score', () => sizeScore(ctx), SIZE_FAILURE_FALLBACK, isValidSize, timeoutMs),
    ...SCALAR_METRICS.map((metric) =>
      measure(metric, () => SCALAR_METRIC_FUNCTIONS[metric](ctx), FAILURE_FALLBACKS[metric], (s) => typeof s === 'number' && isValidScore(metric, s), timeoutMs),
    ),
  ]);
  const outcomes = Object.fromEntries(SCALAR_METRICS.map((m, i) => [m, scalars[i]])) as Record<ScalarMetric, MetricOutcome>;
  const findings: SubMetricFindings = { ...outcomes, size_score: size };
  const net = netScore(findings);
  const netOutcome: MetricOutcome = { ...net, latencySeconds: seconds(performance.now() - started) };
  return assemble(evidence, { ...outcomes, size_score: size, net_score: netOutcome });
}

function contextOf(evidence: RatingEvidence, analyser: CardAnalyser): MetricContext {
  const safe: RatingEvidence = { ...evidence, files: Array.isArray(evidence.files) ? evidence.files : [], metadata: evidence.metadata ?? {} };
  let card;
  try {
    card = readCard(typeof safe.metadata.readme === 'string' ? safe.metadata.readme : undefined);
  } catch {
    card = readCard(undefined);
  }
  return { evidence: safe, card, analyser: analyser === deterministic ? analyser : withDeterministicFallback(analyser) };
}

/** An analyser other than the deterministic one degrades to it, per call, when it fails. */
function withDeterministicFallback(analyser: CardAnalyser): CardAnalyser {
  const degrade =
    (call: keyof Omit<CardAnalyser, 'name'>): CardAnalyser[typeof call] =>
    async (input) => {
      try {
        return await analyser[call](input);
      } catch (error) {
        const finding = await deterministic[call](input);
        return { ...finding, reason: `${finding.reason} (analyser ${analyser.name} failed: ${messageOf(error)}; deterministic rules used)` };
      }
    };
  return { name: analyser.name, rampUp: degrade('rampUp'), performanceClaims: degrade('performanceClaims'), reproducibility: degrade('reproducibility') };
}

async function measure<S>(metric: RatingMetric, run: () => MetricFinding<S> | Promise<MetricFinding<S>>, fallback: S, valid: (s: S) => boolean, timeoutMs: number): Promise<MetricOutcome<S>> {
  const start = performance.now();
  let finding: MetricFinding<S>;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    finding = await Promise.race([Promise.resolve().then(run), timeout]);
    if (!valid(finding.score)) finding = fellBack(fallback, `${metric} computed an invalid score (${JSON.stringify(finding.score)}); fallback used`);
  } catch (error) {
    finding = fellBack(fallback, `${metric} could not be computed (${messageOf(error)}); fallback used`);
  } finally {
    clearTimeout(timer);
  }
  return { ...finding, latencySeconds: seconds(performance.now() - start) };
}

function assemble(evidence: RatingEvidence, outcomes: Record<ScalarMetric | 'net_score', MetricOutcome> & { size_score: MetricOutcome<SizeScore> }): ComputedRating {
  const rating = { name: evidence.artifact?.name ?? '', category: 'MODEL' } as ModelRating;
  const reasons = {} as Record<RatingMetric, string>;
  const fallbacks: RatingMetric[] = [];
  for (const [metric, outcome] of Object.entries(outcomes) as [RatingMetric, MetricOutcome<number | SizeScore>][]) {
    (rating as Record<string, unknown>)[metric] = outcome.score;
    rating[`${metric}_latency`] = outcome.latencySeconds;
    reasons[metric] = outcome.reason;
    if (outcome.fallback) fallbacks.push(metric);
  }
  // Every score was checked as it was produced; this is the domain's own check of the assembled whole.
  const problems = ratingProblems(rating);
  if (problems.length > 0) throw new Error(`assembled rating is invalid: ${problems.join('; ')}`);
  return { rating, reasons, fallbacks };
}


function isValidSize(score: SizeScore): boolean {
  return score !== null && typeof score === 'object' && SIZE_SCORE_TARGETS.every((t) => typeof score[t] === 'number' && isValidScore(t, score[t]));
}

/** Latencies in seconds (the spec's unit), to the microsecond: most metrics take well under a millisecond. */
function seconds(ms: number): number {
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms * 1000) / 1e6) : 0;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
