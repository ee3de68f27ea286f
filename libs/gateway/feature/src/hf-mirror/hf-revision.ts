import { createHash } from 'node:crypto';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';

/**
 * The commit sha the mirror reports for a stored version: SHA-1 over the version's identity and its manifest (every
 * file's path and SHA-256, sorted by path). Versions are immutable, so it is stable across requests and replicas;
 * it is not the upstream git commit (ModelGuard serves its own scanned copy, not the upstream history), and it
 * changes whenever the stored content differs. Clients use it as a cache directory name and as a revision.
 */
export function commitShaOf(artifactId: string, v: Pick<ArtifactVersionEntity, 'version' | 'files'>): string {
  const hash = createHash('sha1').update(`modelguard-commit\n${artifactId}\n${v.version}\n`);
  for (const f of [...v.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${f.path}\0${f.sha256}\n`);
  return hash.digest('hex');
}

/** `main` / `HEAD` → the latest version; a 40-hex sha → the version it was derived from; else a tag (label or key). */
export function pickRevision<T extends Pick<ArtifactVersionEntity, 'version' | 'versionLabel' | 'files' | 'ordinal'>>(
  artifactId: string,
  latestVersion: string,
  versions: readonly T[],
  revision: string,
): T | null {
  if (revision === 'main' || revision === 'HEAD') return versions.find((v) => v.version === latestVersion) ?? null;
  if (/^[0-9a-f]{40}$/.test(revision)) return versions.find((v) => commitShaOf(artifactId, v) === revision) ?? null;
  const bare = revision.replace(/^v(?=\d)/, '');
  const byLabel = versions.filter((v) => v.versionLabel !== null && (v.versionLabel === revision || v.versionLabel === bare));
  if (byLabel.length > 0) return byLabel.reduce((a, b) => (b.ordinal > a.ordinal ? b : a));
  return versions.find((v) => v.version === revision) ?? null;
}
