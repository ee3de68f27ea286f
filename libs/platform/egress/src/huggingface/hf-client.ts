import { z } from 'zod';
import { SafeFetcher } from '../safe-fetcher';
import { UpstreamError } from '../upstream-error';

export type HfRepoKind = 'model' | 'dataset';

/** The parts of `/api/models/<repo>` and `/api/datasets/<repo>` we rely on; everything else passes through. */
export const HfRepoInfoSchema = z
  .object({
    id: z.string().min(1).max(200),
    sha: z.string().regex(/^[0-9a-f]{40}$/).optional(),
    author: z.string().optional(),
    lastModified: z.string().optional(),
    createdAt: z.string().optional(),
    downloads: z.number().optional(),
    likes: z.number().optional(),
    tags: z.array(z.string()).optional(),
    library_name: z.string().optional(),
    pipeline_tag: z.string().optional(),
    gated: z.union([z.boolean(), z.string()]).optional(),
    private: z.boolean().optional(),
    cardData: z.record(z.string(), z.unknown()).optional(),
    description: z.string().optional(),
    usedStorage: z.number().optional(),
  })
  .loose();
export type HfRepoInfo = z.infer<typeof HfRepoInfoSchema>;

const TreeEntrySchema = z.object({
  type: z.enum(['file', 'directory']),
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  oid: z.string().optional(),
  lfs: z.object({ oid: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }).loose().optional(),
});
export type HfTreeEntry = z.infer<typeof TreeEntrySchema>;

/** One git ref of `/api/{models,datasets}/<repo>/refs`: `{name: "v1.0", ref: "refs/tags/v1.0", targetCommit}`. */
const GitRefSchema = z.object({ name: z.string().min(1).max(256), ref: z.string().max(512).optional(), targetCommit: z.string().regex(/^[0-9a-f]{40}$/) }).loose();
export type HfGitRef = z.infer<typeof GitRefSchema>;

/** The Hub's refs listing; `converts` (and `pullRequests` with `include_prs=1`) are passed through unread. */
const RefsSchema = z.object({ branches: z.array(GitRefSchema).max(10_000), tags: z.array(GitRefSchema).max(10_000) }).loose();
export type HfRefs = z.infer<typeof RefsSchema>;

const MAX_TREE_PAGES = 200;

/** Encodes a repo id (`org/name`) segment by segment so it can never add path components. */
export function encodeRepoId(repo: string): string {
  return repo.split('/').map(encodeURIComponent).join('/');
}

function nextLink(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  const m = value ? /<([^>]+)>\s*;\s*rel="next"/.exec(value) : null;
  return m ? m[1] : null;
}

/** Thin client for the Hub REST API; every response is schema-checked because upstream JSON is untrusted. */
export class HuggingFaceClient {
  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly endpoint: string,
  ) {}

  private apiBase(kind: HfRepoKind, repo: string): string {
    return `${this.endpoint}/api/${kind === 'model' ? 'models' : 'datasets'}/${encodeRepoId(repo)}`;
  }

  async info(kind: HfRepoKind, repo: string): Promise<HfRepoInfo> {
    const { data } = await this.fetcher.getJson(this.apiBase(kind, repo));
    const parsed = HfRepoInfoSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected ${kind} info shape for ${repo}`);
    return parsed.data;
  }

  /** Branches and tags of a repo with the commit each points at (`GET /api/models/<repo>/refs`). */
  async refs(kind: HfRepoKind, repo: string): Promise<HfRefs> {
    const { data } = await this.fetcher.getJson(`${this.apiBase(kind, repo)}/refs`);
    const parsed = RefsSchema.safeParse(data);
    if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected refs shape for ${repo}`);
    return parsed.data;
  }

  /** Recursive tree at a revision, following `Link: rel="next"` pages as the Hub paginates large repos. */
  async tree(kind: HfRepoKind, repo: string, revision: string, maxEntries: number): Promise<HfTreeEntry[]> {
    const entries: HfTreeEntry[] = [];
    let url: string | null = `${this.apiBase(kind, repo)}/tree/${encodeURIComponent(revision)}?recursive=true`;
    for (let page = 0; url != null; page += 1) {
      if (page >= MAX_TREE_PAGES) throw new UpstreamError('invalid-response', `tree of ${repo} has too many pages`);
      const { data, headers }: { data: unknown; headers: Record<string, string | string[] | undefined> } = await this.fetcher.getJson(url);
      const parsed = z.array(TreeEntrySchema).max(100_000).safeParse(data);
      if (!parsed.success) throw new UpstreamError('invalid-response', `unexpected tree shape for ${repo}`);
      entries.push(...parsed.data);
      if (entries.length > maxEntries * 2 + 1000) throw new UpstreamError('too-large', `${repo} has more than ${maxEntries} files`);
      const next = nextLink(headers.link);
      url = next ? new URL(next, url).toString() : null;
    }
    return entries;
  }

  fileUrl(kind: HfRepoKind, repo: string, revision: string, path: string): string {
    const prefix = kind === 'dataset' ? `${this.endpoint}/datasets` : this.endpoint;
    return `${prefix}/${encodeRepoId(repo)}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  }
}
