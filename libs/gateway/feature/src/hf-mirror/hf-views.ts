import type { ManifestEntry } from '@modelguard/contracts';
import { createHash } from 'node:crypto';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import type { HfKind } from './hf-paths';

/** One entry of `/tree` and `/paths-info` as the Hub writes it. */
export interface HfTreeEntry {
  type: 'file' | 'directory';
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
  lastCommit?: { id: string; title: string; date: string };
}

/**
 * Every file is described as a Git LFS object whose oid is the file's SHA-256: the value the clients use as cache
 * key (`@huggingface/hub` takes `lfs.oid`, `huggingface_hub` the X-Linked-Etag), and the same value the resolve
 * endpoint sends as ETag. The git oid is then the blob id of the LFS pointer, exactly as git stores an LFS file.
 */
export function fileEntry(f: ManifestEntry): HfTreeEntry {
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${f.sha256}\nsize ${f.size}\n`;
  const oid = createHash('sha1').update(`blob ${Buffer.byteLength(pointer)}\0${pointer}`).digest('hex');
  return { type: 'file', oid, size: f.size, path: f.path, lfs: { oid: f.sha256, size: f.size, pointerSize: Buffer.byteLength(pointer) } };
}

function directoryEntry(path: string): HfTreeEntry {
  return { type: 'directory', oid: createHash('sha1').update(`modelguard-tree\n${path}`).digest('hex'), size: 0, path };
}

function directoriesOf(files: readonly ManifestEntry[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs];
}

/** `/tree/{rev}[/{dir}]`: the directory's children (or all descendants when recursive), sorted by path; null if no such directory. */
export function treeEntries(files: readonly ManifestEntry[], dir: string, recursive: boolean): HfTreeEntry[] | null {
  const dirs = directoriesOf(files);
  if (dir !== '' && !dirs.includes(dir)) return null;
  const prefix = dir === '' ? '' : `${dir}/`;
  const wanted = (p: string): boolean => p.startsWith(prefix) && (recursive || !p.slice(prefix.length).includes('/'));
  const entries = [...dirs.filter(wanted).map(directoryEntry), ...files.filter((f) => wanted(f.path)).map(fileEntry)];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `POST /paths-info/{rev}`: the named paths that exist, files and directories, in the order asked. */
export function pathsInfo(files: readonly ManifestEntry[], paths: readonly string[], commit: { id: string; date: string } | null): HfTreeEntry[] {
  const dirs = new Set(directoriesOf(files));
  const out: HfTreeEntry[] = [];
  for (const p of paths) {
    const file = files.find((f) => f.path === p);
    const lastCommit = commit === null ? {} : { lastCommit: { id: commit.id, title: 'Stored and scanned by ModelGuard', date: commit.date } };
    if (file !== undefined) out.push({ ...fileEntry(file), ...lastCommit });
    else if (dirs.has(p)) out.push({ ...directoryEntry(p), ...lastCommit });
  }
  return out;
}

/** `/api/{models|datasets}/{repo}[/revision/{rev}]`: the fields the clients read (`siblings`, `sha`, `id`, …). */
export function repoInfo(kind: HfKind, repo: string, artifact: ArtifactEntity, version: ArtifactVersionEntity, sha: string): Record<string, unknown> {
  const author = repo.includes('/') ? repo.split('/')[0] : undefined;
  const scan = version.scanState;
  const base = {
    _id: artifact.id,
    id: repo,
    author,
    sha,
    lastModified: version.createdAt.toISOString(),
    createdAt: artifact.createdAt.toISOString(),
    private: false,
    gated: false,
    disabled: false,
    downloads: 0,
    likes: 0,
    // What ModelGuard knows that the Hub does not: where the copy came from and what its scan said.
    tags: ['modelguard', `modelguard-scan:${scan}`, ...(version.versionLabel ? [`modelguard-version:${version.versionLabel}`] : [])],
    cardData: {},
    // huggingface_hub's ModelInfo requires lfs.pointerSize on every sibling that has lfs (KeyError otherwise).
    siblings: [...version.files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => {
      const e = fileEntry(f);
      return { rfilename: f.path, size: f.size, blobId: e.oid, lfs: { sha256: f.sha256, size: f.size, pointerSize: e.lfs?.pointerSize ?? 0 } };
    }),
    usedStorage: Number(version.totalBytes),
  };
  return kind === 'model' ? { ...base, modelId: repo, spaces: [] } : base;
}
