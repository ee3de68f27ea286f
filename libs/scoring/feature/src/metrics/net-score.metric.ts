import { NOT_APPLICABLE_SCORE, type ScalarMetric, type SizeScore, type SizeScoreTarget } from '@modelguard/domain';
import { type MetricFinding, round2, scored } from './metric-finding';

/**
 * net_score: the weighted mean of the sub-metrics. All weights live here and are explained in the scoring README;
 * they are relative (the applicable ones are renormalised to sum to 1).
 * Metrics that do not apply drop out and the rest are renormalised: reviewedness at -1 (no GitHub repo) and
 * tree_score without rated parents. Metrics whose evidence is missing but which the course scores 0 (dataset
 * quality, code quality with nothing linked) stay in at 0: a model without inspectable data or code earns less
 * trust, it is just not refused for it on its own.
 */
export const NET_SCORE_WEIGHTS: Record<ScalarMetric | 'size_score', number> = {
  size_score: 0.2,
  bus_factor: 0.15,
  performance_claims: 0.15,
  license: 0.1,
  ramp_up_time: 0.1,
  dataset_and_code_score: 0.08,
  dataset_quality: 0.06,
  code_quality: 0.06,
  reproducibility: 0.05,
  tree_score: 0.05,
  reviewedness: 0.03,
};

/** size_score enters net_score as one number: devices weighted by how often a registry user deploys to them. */
export const SIZE_DEVICE_WEIGHTS: Record<SizeScoreTarget, number> = { raspberry_pi: 0.1, jetson_nano: 0.1, desktop_pc: 0.4, aws_server: 0.4 };

export type SubMetricFindings = Record<ScalarMetric, MetricFinding> & { size_score: MetricFinding<SizeScore> };

export function netScore(findings: SubMetricFindings): MetricFinding {
  let weighted = 0;
  let weights = 0;
  const left: string[] = [];
  for (const [metric, weight] of Object.entries(NET_SCORE_WEIGHTS) as [keyof typeof NET_SCORE_WEIGHTS, number][]) {
    let value: number;
    if (metric === 'size_score') value = sizeValue(findings.size_score.score);
    else {
      const finding = findings[metric];
      if ((metric === 'reviewedness' && finding.score === NOT_APPLICABLE_SCORE) || (metric === 'tree_score' && finding.fallback)) {
        left.push(metric);
        continue;
      }
      value = finding.score;
    }
    if (!Number.isFinite(value)) value = 0;
    weighted += weight * Math.min(1, Math.max(0, value));
    weights += weight;
  }
  const score = weights > 0 ? weighted / weights : 0;
  return scored(round2(score), `weighted mean of ${Object.keys(NET_SCORE_WEIGHTS).length - left.length} metrics${left.length ? `; not applicable: ${left.join(', ')}` : ''}`);
}

export function sizeValue(size: SizeScore): number {
  let sum = 0;
  for (const [target, weight] of Object.entries(SIZE_DEVICE_WEIGHTS) as [SizeScoreTarget, number][]) sum += weight * (size[target] ?? 0);
  return sum;
}
