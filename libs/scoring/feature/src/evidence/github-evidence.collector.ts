import { setMaxListeners } from 'node:events';
import { type GitHubClient, type GitHubContributorStats, type GitHubMergedPull, type GitHubReview, isUpstreamError } from '@modelguard/egress';
import type { EvidenceUnavailable, GithubEvidence } from '../rating/rating-evidence';
import { parseGithubRepoUrl } from './github-repo-url';

export interface GithubEvidenceOptions {
  /** Merged pull requests sampled, newest merge first (each costs two calls: its size and its reviews). */
  maxPulls: number;
  /** Pages of closed pull requests read to find them (`pullsPerPage` each). */
  maxPullPages: number;
  pullsPerPage: number;
  /** Pages of 100 contributors (GitHub lists at most 500). */
  maxContributorPages: number;
  /** Pull requests read at the same time; GitHub asks clients not to hammer it with parallel calls. */
  concurrency: number;
  /** Wall-clock bound of one collection, all calls included. */
  totalTimeoutMs: number;
  /** Calls to `stats/contributors` while GitHub answers 202 (still computing), and the pause between them. */
  statsAttempts: number;
  statsRetryDelayMs: number;
}

export const DEFAULT_GITHUB_EVIDENCE_OPTIONS: GithubEvidenceOptions = {
  maxPulls: 30,
  maxPullPages: 3,
  pullsPerPage: 100,
  maxContributorPages: 3,
  concurrency: 4,
  totalTimeoutMs: 20_000,
  statsAttempts: 3,
  statsRetryDelayMs: 1_000,
};

/** Review states that mean someone looked at the change; PENDING is an unsent draft, DISMISSED was withdrawn. */
const REVIEW_STATES = new Set(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED']);
const WEEK_MS = 7 * 24 * 3600 * 1000;

/** A pull request counts as reviewed when a person other than its author submitted a review on it (bots do not count). */
export function isReviewed(reviews: readonly GitHubReview[], author: string | undefined): boolean {
  return reviews.some((r) => {
    const login = r.user?.login;
    if (!login || !REVIEW_STATES.has(r.state)) return false;
    if (r.user?.type === 'Bot' || login.endsWith('[bot]')) return false;
    return author === undefined || login.toLowerCase() !== author.toLowerCase();
  });
}

/**
 * Lines added on the default branch in the weeks from `sinceMs` on (the week containing it included; GitHub
 * reports whole weeks), or over the whole history when `sinceMs` is null.
 */
export function additionsSince(stats: readonly GitHubContributorStats[], sinceMs: number | null): number {
  let total = 0;
  for (const author of stats) for (const week of author.weeks) if (sinceMs === null || week.w * 1000 + WEEK_MS > sinceMs) total += week.a;
  return total;
}

class StatisticsPending extends Error {}

/** `fn` over `items`, at most `limit` at a time; the first failure stops new work and rejects. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * Reads the upstream evidence of bus_factor and reviewedness from the GitHub API: contributors with their commit
 * counts, the last `maxPulls` pull requests merged into the default branch with their size and whether someone
 * other than the author reviewed them, and the lines added on the default branch since the oldest of them (from
 * `stats/contributors`: one call for the whole history, where per-commit stats would cost a call per commit).
 * At most 1 + 3 + 3 + 3 + 2 × 30 = 70 calls with the defaults, all within `totalTimeoutMs`.
 *
 * Never throws: a missing repository, a rate limit, a timeout or a malformed answer becomes `{ unavailable }`
 * with the reason, so the metrics fall back to their documented values.
 */
export class GithubEvidenceCollector {
  private readonly options: GithubEvidenceOptions;

  constructor(
    private readonly client: GitHubClient,
    options: Partial<GithubEvidenceOptions> = {},
  ) {
    this.options = { ...DEFAULT_GITHUB_EVIDENCE_OPTIONS, ...options };
  }

  async collect(repoUrl: string, signal?: AbortSignal): Promise<GithubEvidence | EvidenceUnavailable> {
    const ref = parseGithubRepoUrl(repoUrl);
    if (ref === null) return { unavailable: `not a GitHub repository URL: ${JSON.stringify(repoUrl.slice(0, 200))}` };
    const name = `${ref.owner}/${ref.repo}`;
    const ms = this.options.totalTimeoutMs;
    const done = new AbortController();
    const deadline = AbortSignal.timeout(ms);
    const combined = AbortSignal.any([done.signal, deadline, ...(signal ? [signal] : [])]);
    // Every call in flight listens on it (up to concurrency × 2 + 3); the default of 10 would warn of a leak.
    setMaxListeners(100, combined);
    let timer: NodeJS.Timeout | undefined;
    // The race returns on time even if some call ignored the abort.
    const late = new Promise<EvidenceUnavailable>((resolve) => {
      timer = setTimeout(() => resolve({ unavailable: `GitHub did not answer for ${name} within ${ms} ms` }), ms + 50);
    });
    try {
      const gathered = this.gather(this.client.withSignal(combined), ref.owner, ref.repo, combined).catch(
        (error: unknown): EvidenceUnavailable => ({
          unavailable: signal?.aborted
            ? `collecting GitHub evidence for ${name} was cancelled`
            : deadline.aborted
              ? `GitHub did not answer for ${name} within ${ms} ms`
              : reasonOf(error, name),
        }),
      );
      return await Promise.race([gathered, late]);
    } finally {
      clearTimeout(timer);
      // Stops whatever is still in flight (the other pull requests after one failed).
      done.abort();
    }
  }

  private async gather(client: GitHubClient, owner: string, repo: string, signal: AbortSignal): Promise<GithubEvidence> {
    const info = await client.repo(owner, repo);
    // The canonical name avoids a redirect per call when the repository was renamed or the URL's case differs.
    const [o, r] = info.full_name.includes('/') ? info.full_name.split('/', 2) : [owner, repo];
    const opts = this.options;
    const [contributors, stats, pulls] = await Promise.all([
      client.contributors(o, r, { maxPages: opts.maxContributorPages }),
      this.statistics(client, o, r, signal),
      client
        .mergedPulls(o, r, { base: info.default_branch, limit: opts.maxPulls, perPage: opts.pullsPerPage, maxPages: opts.maxPullPages })
        .then((merged) => mapBounded(merged, opts.concurrency, (pull) => this.sample(client, o, r, pull))),
    ]);
    const mergeTimes = pulls.map((p) => p.mergedAt).filter(Number.isFinite);
    const oldestMerge = mergeTimes.length > 0 ? Math.min(...mergeTimes) : null;
    const pullAdditions = pulls.reduce((n, p) => n + p.additions, 0);
    return {
      repo: info.full_name,
      contributors: contributors.map((c) => ({ login: c.login, commits: c.contributions })).sort((a, b) => b.commits - a.commits),
      pulls: pulls.map(({ number, additions, deletions, reviewed }) => ({ number, additions, deletions, reviewed })),
      // Never below the merged pull requests' own lines: GitHub reports 0 additions for 10,000+ commit histories,
      // and the merged lines did reach the default branch.
      totalAdditions: Math.max(additionsSince(stats, oldestMerge), pullAdditions),
    };
  }

  private async sample(client: GitHubClient, owner: string, repo: string, pull: GitHubMergedPull) {
    const [detail, reviews] = await Promise.all([client.pull(owner, repo, pull.number), client.pullReviews(owner, repo, pull.number)]);
    return {
      number: pull.number,
      additions: detail.additions,
      deletions: detail.deletions,
      reviewed: isReviewed(reviews, pull.user?.login ?? detail.user?.login),
      mergedAt: Date.parse(pull.merged_at),
    };
  }

  private async statistics(client: GitHubClient, owner: string, repo: string, signal: AbortSignal): Promise<GitHubContributorStats[]> {
    for (let attempt = 1; ; attempt += 1) {
      const stats = await client.contributorStats(owner, repo);
      if (stats !== null) return stats;
      if (attempt >= this.options.statsAttempts || signal.aborted) throw new StatisticsPending(`GitHub was still computing commit statistics for ${owner}/${repo} after ${attempt} attempts`);
      await pause(this.options.statsRetryDelayMs, signal);
    }
  }
}

function reasonOf(error: unknown, name: string): string {
  const detail = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (error instanceof StatisticsPending) return detail;
  if (!isUpstreamError(error)) return `GitHub evidence for ${name} could not be read: ${detail}`;
  if (error.kind === 'not-found') {
    // The repository itself (SafeFetcher names the path that answered), or one of its lists.
    const repoMissing = detail.toLowerCase().replace(/ answered 4(04|10)$/, '').endsWith(`/repos/${name.toLowerCase()}`);
    return repoMissing ? `GitHub repository ${name} not found (404)` : `GitHub answered 404 while reading ${name}: ${detail}`;
  }
  if (error.kind === 'rate-limited') return `GitHub rate limit exceeded while reading ${name}: ${detail}`;
  if (error.kind === 'timeout') return `GitHub timed out while reading ${name}: ${detail}`;
  if (error.kind === 'forbidden-destination') return `the egress policy does not allow the GitHub API: ${detail}`;
  return `GitHub request for ${name} failed (${error.kind}${error.status ? ` ${error.status}` : ''}): ${detail}`;
}
