import { z } from 'zod';
import type { FetchOptions, SafeFetcher } from '../safe-fetcher';
import { UpstreamError } from '../upstream-error';

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

const GITHUB_JSON = { accept: 'application/vnd.github+json' };

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

/** Thin client for the GitHub REST API; every response is schema-checked because upstream JSON is untrusted. */
export class GitHubClient {
  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly apiUrl: string,
  ) {}

  /** `<api>/repos/<owner>/<repo>` with both names encoded so they can never add path components. */
  repoUrl(owner: string, repo: string): string {
    return `${this.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  }

  async repo(owner: string, repo: string): Promise<GitHubRepo> {
    const { data } = await this.fetcher.getJson(this.repoUrl(owner, repo), { headers: GITHUB_JSON });
    const parsed = GitHubRepoSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected repository shape for ${owner}/${repo}`);
    return parsed.data;
  }

  zipballUrl(owner: string, repo: string, ref: string): string {
    return `${this.repoUrl(owner, repo)}/zipball/${encodeGitRef(ref)}`;
  }

  /** Streams the repository archive at `ref` into `destination` (capped by `opts.maxBytes`); returns size and digest. */
  downloadZipball(owner: string, repo: string, ref: string, destination: string, opts: FetchOptions = {}): Promise<{ size: number; sha256: string }> {
    return this.fetcher.download(this.zipballUrl(owner, repo, ref), destination, opts);
  }
}
