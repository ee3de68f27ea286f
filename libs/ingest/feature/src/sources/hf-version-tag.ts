import { compareReleaseVersions, parseReleaseVersion } from '@modelguard/domain';
import type { HfRepoKind, HuggingFaceClient } from '@modelguard/egress';

/**
 * The release a commit is: the highest semver tag (`v1.2.0` or `1.2.0`, written either way) whose target is that
 * commit, returned as upstream wrote it; null when none is. Other tags (`main-backup`, `pr/12`) are not versions
 * and are ignored, and so is a tag on another commit: it names other files than the ones being stored.
 */
export function pickVersionTag(tags: ReadonlyArray<{ name: string; targetCommit: string }>, commit: string): string | null {
  let best: { tag: string; version: string } | null = null;
  for (const t of tags) {
    if (t.targetCommit !== commit) continue;
    const version = parseReleaseVersion(t.name);
    if (version !== null && (best === null || compareReleaseVersions(version, best.version) > 0)) best = { tag: t.name, version };
  }
  return best?.tag ?? null;
}

/**
 * The version tag of `commit`, read from the Hub's refs listing. Never rejects: a 404, a timeout (the fetcher's,
 * as for every Hub call) or an odd answer all mean "no tag"; the package is stored all the same, under the
 * registry's own version number.
 */
export async function versionTagOf(client: HuggingFaceClient, kind: HfRepoKind, repo: string, commit: string | undefined): Promise<string | null> {
  // Without the commit sha the files were read at 'main', which may have moved: no tag can be said to name them.
  if (commit === undefined) return null;
  try {
    const refs = await client.refs(kind, repo);
    return pickVersionTag(refs.tags, commit);
  } catch {
    return null;
  }
}
