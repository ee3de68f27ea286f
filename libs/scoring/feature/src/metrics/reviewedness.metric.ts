import { NOT_APPLICABLE_SCORE } from '@modelguard/domain';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, scored } from './metric-finding';

/**
 * reviewedness: the share of code added to the linked GitHub repository that came through a reviewed pull request
 * (an approval or a review comment before merge): lines added by reviewed merged PRs / lines added on the default
 * branch in the sampled window, capped at 1. When the window's total is unknown (0), the share among the sampled
 * PRs is used. Fallback: -1 ("not applicable", the course value) when no GitHub repository is linked, when GitHub
 * could not be read (404, rate limited, timed out: the reason says which) or when the window holds no changes.
 */
export function reviewedness({ evidence }: MetricContext): MetricFinding {
  const github = evidence.github;
  if (!github) return fellBack(NOT_APPLICABLE_SCORE, 'no linked GitHub repository');
  if ('unavailable' in github) return fellBack(NOT_APPLICABLE_SCORE, `GitHub evidence unavailable: ${github.unavailable}`);
  const valid = github.pulls.filter((p) => Number.isFinite(p.additions) && p.additions >= 0);
  const reviewedAdditions = valid.filter((p) => p.reviewed).reduce((n, p) => n + p.additions, 0);
  const pullAdditions = valid.reduce((n, p) => n + p.additions, 0);
  const reviewedCount = valid.filter((p) => p.reviewed).length;
  const prNote = `${reviewedCount} of ${valid.length} merged PRs reviewed`;
  if (github.totalAdditions > 0) {
    return scored(round2(Math.min(1, reviewedAdditions / github.totalAdditions)), `${github.repo}: ${reviewedAdditions} of ${github.totalAdditions} added lines through reviewed PRs; ${prNote}`);
  }
  if (pullAdditions > 0) return scored(round2(reviewedAdditions / pullAdditions), `${github.repo}: ${reviewedAdditions} of ${pullAdditions} PR lines reviewed (branch total unknown); ${prNote}`);
  return fellBack(NOT_APPLICABLE_SCORE, `${github.repo}: no added lines in the sampled history`);
}
