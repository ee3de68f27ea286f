import { z } from 'zod';
import type { FetchOptions, SafeFetcher } from '../safe-fetcher';
import { UpstreamError } from '../upstream-error';
import { nextPageUrl, rateLimitedError } from './github-responses';
import {
  type GitHubContributor,
  GitHubContributorSchema,
  type GitHubContributorStats,
  GitHubContributorStatsSchema,
  type GitHubLicenseFile,
  GitHubLicenseFileSchema,
  type GitHubPullDetail,
  GitHubPullDetailSchema,
  type GitHubPullSummary,
  GitHubPullSummarySchema,
  type GitHubReview,
  GitHubReviewSchema,
} from './github-schemas';

/** The parts of `GET /repos/<owner>/<repo>` we rely on; everything else passes through. */
export const GitHubRepoSchema = z
  .object({
    full_name: z.string().min(1).max(300),
    default_branch: z.string().min(1).max(255),
    description: z.string().nullable().optional(),
    license: z.object({ key: z.string(), spdx_id: z.string().nullable().optional(), name: z.string().optional() }).loose().nullable().optional(),
    stargazers_count: z.number().optional(),
    forks_count: z.number().optional(),
    open_issues_count: z.number().optional(),
    pushed_at: z.string().nullable().optional(),
    archived: z.boolean().optional(),
    language: z.string().nullable().optional(),
  })
  .loose();
export type GitHubRepo = z.infer<typeof GitHubRepoSchema>;

export interface GitHubClientOptions {
  /** A token sent as `Authorization: Bearer` (GITHUB_TOKEN); it lifts the API budget from 60 to 5,000 calls an hour. */
  token?: string;
  /** Idle timeout of each API call; default: the fetcher's. */
  timeoutMs?: number;
  /** Cap on one JSON answer; a page of 100 pull requests is 1-2 MB. */
  maxJsonBytes?: number;
}

/** A pull request that was merged: `merged_at` is set. */
export type GitHubMergedPull = GitHubPullSummary & { merged_at: string };

/** Bounds of a paginated list call: GitHub pages at most 100 items and says where the next page is in `Link`. */
export interface GitHubPageOptions {
  perPage?: number;
  maxPages?: number;
}

const API_VERSION = '2022-11-28';
const DEFAULT_MAX_JSON_BYTES = 8 * 1024 * 1024;
/** More items than one page can hold means the answer is not GitHub's; the rest is ignored. */
const MAX_PAGE_ITEMS = 100;

/** Encodes a git ref segment by segment: `feature/x` stays a path, but no segment can add `..` or a query. */
export function encodeGitRef(ref: string): string {
  return ref.split('/').map(encodeURIComponent).join('/');
}

/**
 * The SPDX id GitHub detected for a repository, else its license key; undefined when there is none.
 * `NOASSERTION` (GitHub found a license file it could not classify) falls back to the key.
 */
export function licenseIdOf(repo: GitHubRepo): string | undefined {
  const spdx = repo.license?.spdx_id;
  return spdx && spdx !== 'NOASSERTION' ? spdx : (repo.license?.key ?? undefined);
}

function perPage(opts: GitHubPageOptions | undefined, fallback: number): number {
  return Math.min(100, Math.max(1, Math.floor(opts?.perPage ?? fallback)));
}

/**
 * Thin client for the GitHub REST API; every response is schema-checked because upstream JSON is untrusted.
 * A 404 is `not-found`; a 403/429 that GitHub marks as a rate limit (`x-ratelimit-remaining: 0` or `retry-after`)
 * is `rate-limited`; every list is bounded in pages and items.
 */
export class GitHubClient {
  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly apiUrl: string,
    private readonly options: GitHubClientOptions = {},
  ) {}

  /** The same client whose calls are cancelled when `signal` aborts (a caller's overall deadline). */
  withSignal(signal: AbortSignal): GitHubClient {
    return new GitHubClient(this.fetcher.withSignal(signal), this.apiUrl, this.options);
  }

  /** `<api>/repos/<owner>/<repo>` with both names encoded so they can never add path components. */
  repoUrl(owner: string, repo: string): string {
    return `${this.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  }

  async repo(owner: string, repo: string): Promise<GitHubRepo> {
    const { data } = await this.getJson(this.repoUrl(owner, repo));
    const parsed = GitHubRepoSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected repository shape for ${owner}/${repo}`);
    return parsed.data;
  }

  /**
   * The repository's license file and the license GitHub detected in it (`GET /repos/{o}/{r}/license`). GitHub
   * answers 404 both for a repository that does not exist and for one without a license file it can find, so a
   * `not-found` here needs `repo()` to tell the two apart.
   */
  async license(owner: string, repo: string): Promise<GitHubLicenseFile> {
    const { data } = await this.getJson(`${this.repoUrl(owner, repo)}/license`);
    const parsed = GitHubLicenseFileSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected license shape for ${owner}/${repo}`);
    return parsed.data;
  }

  /** Accounts with commits on the default branch, most commits first (`contributions`); anonymous ones are left out. */
  contributors(owner: string, repo: string, opts: GitHubPageOptions = {}): Promise<GitHubContributor[]> {
    const url = `${this.repoUrl(owner, repo)}/contributors?per_page=${perPage(opts, 100)}`;
    return this.list(url, GitHubContributorSchema, opts.maxPages ?? 1);
  }

  /**
   * The most recently merged pull requests (newest merge first, at most `limit`), read from the closed pull
   * requests sorted by last update: a merged PR is closed, and recent merges are among the recently updated ones.
   * `base` keeps only those merged into that branch (GitHub filters server-side).
   */
  async mergedPulls(owner: string, repo: string, opts: GitHubPageOptions & { base?: string; limit?: number } = {}): Promise<GitHubMergedPull[]> {
    const limit = Math.max(0, opts.limit ?? 30);
    if (limit === 0) return [];
    const base = opts.base ? `&base=${encodeURIComponent(opts.base)}` : '';
    const url = `${this.repoUrl(owner, repo)}/pulls?state=closed&sort=updated&direction=desc&per_page=${perPage(opts, 100)}${base}`;
    const isMerged = (p: GitHubPullSummary): p is GitHubMergedPull => typeof p.merged_at === 'string';
    const closed = await this.list(url, GitHubPullSummarySchema, opts.maxPages ?? 3, (items) => items.filter(isMerged).length >= limit);
    return closed
      .filter(isMerged)
      .sort((a, b) => Date.parse(b.merged_at) - Date.parse(a.merged_at))
      .slice(0, limit);
  }

  /** One pull request with its line counts (`additions`, `deletions`), which the list endpoint does not report. */
  async pull(owner: string, repo: string, number: number): Promise<GitHubPullDetail> {
    const { data } = await this.getJson(`${this.repoUrl(owner, repo)}/pulls/${Math.floor(number)}`);
    const parsed = GitHubPullDetailSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected pull request shape for ${owner}/${repo}#${number}`);
    return parsed.data;
  }

  /** The reviews submitted on a pull request, oldest first. */
  pullReviews(owner: string, repo: string, number: number, opts: GitHubPageOptions = {}): Promise<GitHubReview[]> {
    const url = `${this.repoUrl(owner, repo)}/pulls/${Math.floor(number)}/reviews?per_page=${perPage(opts, 100)}`;
    return this.list(url, GitHubReviewSchema, opts.maxPages ?? 1);
  }

  /**
   * Weekly additions, deletions and commits per author on the default branch: one call for the whole history.
   * Null while GitHub is still computing them (it answers 202 and fills its cache in the background).
   */
  async contributorStats(owner: string, repo: string): Promise<GitHubContributorStats[] | null> {
    const { data, status } = await this.getJson(`${this.repoUrl(owner, repo)}/stats/contributors`);
    if (status === 202) return null;
    if (status === 204 || data == null) return [];
    if (!Array.isArray(data)) throw new UpstreamError('invalid-response', `unexpected contributor statistics shape for ${owner}/${repo}`);
    return parseItems(data.slice(0, 1000), GitHubContributorStatsSchema);
  }

  zipballUrl(owner: string, repo: string, ref: string): string {
    return `${this.repoUrl(owner, repo)}/zipball/${encodeGitRef(ref)}`;
  }

  /** Streams the repository archive at `ref` into `destination` (capped by `opts.maxBytes`); returns size and digest. */
  async downloadZipball(owner: string, repo: string, ref: string, destination: string, opts: FetchOptions = {}): Promise<{ size: number; sha256: string }> {
    // The token goes to the API only: SafeFetcher drops it on the redirect to codeload.
    const headers = { ...this.authHeader(), ...opts.headers };
    try {
      return await this.fetcher.download(this.zipballUrl(owner, repo, ref), destination, { ...opts, headers });
    } catch (error) {
      throw rateLimitedError(error) ?? error;
    }
  }

  private authHeader(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  private async getJson(url: string): Promise<{ data: unknown; headers: Record<string, string | string[] | undefined>; status: number }> {
    const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': API_VERSION, ...this.authHeader() };
    try {
      return await this.fetcher.getJson(url, { headers, timeoutMs: this.options.timeoutMs, maxBytes: this.options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES });
    } catch (error) {
      throw rateLimitedError(error) ?? error;
    }
  }

  /** Follows `Link: rel="next"` up to `maxPages`, staying on the API's origin; stops early once `enough` says so. */
  private async list<T>(firstUrl: string, schema: z.ZodType<T>, maxPages: number, enough?: (items: T[]) => boolean): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = firstUrl;
    for (let page = 0; url !== undefined && page < maxPages; page += 1) {
      const { data, headers, status }: { data: unknown; headers: Record<string, string | string[] | undefined>; status: number } = await this.getJson(url);
      if (status === 204 || data == null) break;
      if (!Array.isArray(data)) throw new UpstreamError('invalid-response', `${new URL(url).pathname} did not answer a list`);
      items.push(...parseItems(data.slice(0, MAX_PAGE_ITEMS), schema));
      if (enough?.(items)) break;
      url = nextPageUrl(headers.link, url, this.apiUrl);
    }
    return items;
  }
}

function parseItems<T>(data: readonly unknown[], schema: z.ZodType<T>): T[] {
  const items: T[] = [];
  for (const raw of data) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) items.push(parsed.data);
  }
  return items;
}
