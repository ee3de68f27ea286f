import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ManifestEntry, PACKAGE_README_MAX_CHARS } from '@modelguard/contracts';
import { manifestTotalBytes } from '@modelguard/domain';
import { PackageError, ingestZipToBlobStore } from '@modelguard/packages';
import { GitHubClient, UpstreamError, licenseIdOf } from '@modelguard/egress';
import { IngestDeps, PackageContent } from './package-content';
import { PrefixCapture } from './stream-taps';

export interface GitHubTarget {
  owner: string;
  repo: string;
  ref: string | null;
  subdir: string | null;
}

/**
 * Maps zipball paths to package paths: strips GitHub's single `<owner>-<repo>-<sha>/` folder and, for
 * `/tree/<ref>/<subdir>` URLs, keeps only that subdirectory (re-rooted). A second top folder is refused.
 */
export function zipballPathMapper(subdir: string | null): (path: string) => string | null {
  let root: string | null = null;
  const prefix = subdir ? `${subdir.replace(/\/+$/, '')}/` : '';
  return (path) => {
    const slash = path.indexOf('/');
    const top = slash === -1 ? path : path.slice(0, slash);
    root ??= top;
    if (top !== root || slash === -1) throw new PackageError('INVALID_NAME', 'zipball does not have a single top-level folder');
    const inner = path.slice(slash + 1);
    if (!inner.startsWith(prefix)) return null;
    const mapped = inner.slice(prefix.length);
    return mapped === '' ? null : mapped;
  };
}

async function readBlobPrefix(deps: IngestDeps, entry: ManifestEntry, limit: number): Promise<PrefixCapture> {
  const capture = new PrefixCapture(limit);
  if (entry.size === 0) return capture;
  // Inclusive range; one byte past the limit (when there is one) tells PrefixCapture the text was truncated.
  const stream = await deps.blobs.get(entry.sha256, { start: 0, end: Math.min(limit, entry.size - 1) });
  for await (const chunk of stream.pipe(capture)) void chunk;
  return capture;
}

/**
 * Mirrors a GitHub repository (or one subdirectory) at a ref: repo metadata → zipball streamed to a temp file
 * under the package cap → unpacked through the safe zip reader into the blob store.
 */
export async function ingestGitHub(deps: IngestDeps, target: GitHubTarget): Promise<PackageContent> {
  const github = new GitHubClient(deps.fetcher, deps.githubApiUrl, { token: deps.githubToken });
  const repo = await github.repo(target.owner, target.repo);
  const ref = target.ref ?? repo.default_branch;
  await mkdir(deps.tmpDir, { recursive: true });
  const work = await mkdtemp(join(deps.tmpDir, 'zipball-'));
  try {
    const zipPath = join(work, 'repo.zip');
    const download = await github.downloadZipball(target.owner, target.repo, ref, zipPath, { maxBytes: deps.limits.maxPackageBytes });
    const files: ManifestEntry[] = await ingestZipToBlobStore(zipPath, deps.blobs, deps.limits.zip, { mapPath: zipballPathMapper(target.subdir) });
    if (target.subdir && files.length === 0) throw new UpstreamError('not-found', `${target.subdir} does not exist in ${repo.full_name}@${ref}`);
    const readmeEntry = files.find((f) => /^readme(\.md|\.rst|\.txt)?$/i.test(f.path));
    const readme = readmeEntry ? await readBlobPrefix(deps, readmeEntry, deps.limits.readmeBytes) : null;
    return {
      source: 'github',
      files,
      totalBytes: manifestTotalBytes(files),
      metadata: {
        upstream: {
          repo: repo.full_name,
          ref,
          subdir: target.subdir ?? undefined,
          defaultBranch: repo.default_branch,
          description: repo.description?.slice(0, 4096) ?? undefined,
          stars: repo.stargazers_count,
          forks: repo.forks_count,
          openIssues: repo.open_issues_count,
          pushedAt: repo.pushed_at ?? undefined,
          archived: repo.archived,
          language: repo.language ?? undefined,
          zipballSha256: download.sha256,
        },
        license: licenseIdOf(repo),
        ...(readme ? { readme: readme.text.slice(0, PACKAGE_README_MAX_CHARS), readmeTruncated: readme.truncated } : {}),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
