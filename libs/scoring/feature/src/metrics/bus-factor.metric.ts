import type { GithubEvidence, RatingEvidence } from '../rating/rating-evidence';
import type { MetricContext } from './metric-context';
import { fellBack, logScale, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * bus_factor: how many people could carry the model on if its main author left (higher = knowledge less
 * concentrated). Two signals, averaged when both exist:
 *   code:  the linked GitHub repo's contributors. Half breadth (contributors, log scale, full at 31) and half
 *          spread: the effective number of contributors, 1 / sum(share^2) of commits, full at 4. One person with
 *          90% of the commits scores low however many drive-by contributors there are.
 *   hub:   the Hugging Face publisher and its community: 0.2 for a named publisher, plus 0.8 x (0.6 downloads on a
 *          log scale full at 1M, 0.4 likes full at 1k). A model thousands of teams use is understood far beyond its
 *          author: issues, forks and fine-tunes carry the knowledge.
 * Fallback: neither signal (an upload without upstream, GitHub unreachable) gives the neutral 0.5, flagged.
 */
export function busFactor({ evidence }: MetricContext): MetricFinding {
  const parts: { score: number; note: string }[] = [];
  const github = evidence.github;
  const githubNote = github && 'unavailable' in github ? `GitHub evidence unavailable (${github.unavailable})` : undefined;
  if (github && !('unavailable' in github) && github.contributors.length > 0) parts.push(contributorSignal(github));
  const hub = hubSignal(evidence);
  if (hub) parts.push(hub);
  if (parts.length === 0) return fellBack(0.5, [githubNote ?? 'no contributor history', 'no upstream publisher signals', 'neutral 0.5'].join('; '));
  const score = parts.reduce((n, p) => n + p.score, 0) / parts.length;
  return scored(round2(score), [...parts.map((p) => p.note), ...(githubNote ? [githubNote] : [])].join('; '));
}

function contributorSignal(github: GithubEvidence): { score: number; note: string } {
  const commits = github.contributors.map((c) => Math.max(0, c.commits)).filter((c) => Number.isFinite(c) && c > 0);
  const total = commits.reduce((n, c) => n + c, 0);
  const effective = total > 0 ? 1 / commits.reduce((n, c) => n + (c / total) ** 2, 0) : 0;
  const breadth = Math.min(1, Math.log2(1 + commits.length) / 5);
  const score = 0.5 * breadth + 0.5 * saturate(effective, 4);
  return { score, note: `${github.repo}: ${commits.length} contributors, effectively ${effective.toFixed(1)} (code signal ${score.toFixed(2)})` };
}

function hubSignal(evidence: RatingEvidence): { score: number; note: string } | undefined {
  const upstream = evidence.metadata.upstream;
  if (!upstream?.author && upstream?.downloads === undefined && upstream?.likes === undefined) return undefined;
  const downloads = logScale(upstream.downloads, 1_000_000);
  const likes = logScale(upstream.likes, 1_000);
  const score = (upstream.author ? 0.2 : 0) + 0.8 * (0.6 * downloads + 0.4 * likes);
  return {
    score,
    note: `publisher ${upstream.author ?? 'unknown'}, ${upstream.downloads ?? 0} downloads, ${upstream.likes ?? 0} likes (hub signal ${score.toFixed(2)})`,
  };
}
