import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, scored } from './metric-finding';

/** tree_score when the model has no rated parent: neutral, and excluded from net_score and the ingest gate. */
export const TREE_SCORE_WITHOUT_PARENTS = 0.5;

/**
 * tree_score: the mean net_score of the model's lineage parents that are registered and rated (the course
 * definition). A fine-tune of a trusted base inherits some of its trust; of an untrusted one, some of its doubt.
 * Fallback: no rated parent (a base model, or parents not registered yet) gives the neutral 0.5, flagged as
 * fallback; net_score then leaves tree_score out, and a later parent rating recomputes both.
 */
export function treeScore({ evidence }: MetricContext): MetricFinding {
  const parents = (evidence.parents ?? []).filter((p) => Number.isFinite(p.netScore) && p.netScore >= 0 && p.netScore <= 1);
  if (parents.length === 0) return fellBack(TREE_SCORE_WITHOUT_PARENTS, 'no rated lineage parents: neutral value, left out of net_score');
  const mean = parents.reduce((n, p) => n + p.netScore, 0) / parents.length;
  return scored(round2(mean), `mean net_score of ${parents.length} parent(s): ${parents.slice(0, 5).map((p) => `${p.name} ${p.netScore}`).join(', ')}`);
}
