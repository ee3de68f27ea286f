import { IncomingMessage, ServerResponse } from 'node:http';
import { lfsPointer } from './generated-content';
import { buildRepo, FakeFile, FakeRepo, FakeRepoSpec, listHfFixtures, loadHfFixture } from './fixture-loader';
import { FakeServerHandle, sendBytes, sendJson, startServer } from './http-helpers';

export interface FakeHuggingFaceOptions {
  /** Repo ids of recorded fixtures (tests/fixtures/upstreams/huggingface/models) or inline specs. Default: all fixtures. */
  models?: Array<string | FakeRepoSpec>;
  datasets?: Array<string | FakeRepoSpec>;
  /** Where LFS downloads redirect to (default: this server's `/cdn-lfs/...`, like cdn-lfs.hf.co). */
  lfsBaseUrl?: string;
  /** Tree entries per page; further pages are linked with `Link: <…&cursor=…>; rel="next"` as on the Hub. */
  treePageSize?: number;
}

export interface FakeHuggingFace extends FakeServerHandle {
  /** The files a repo serves (canonical id or alias), to compare digests against what was ingested. */
  filesOf(id: string, kind?: 'model' | 'dataset'): FakeFile[];
  repoOf(id: string, kind?: 'model' | 'dataset'): FakeRepo;
}

type Kind = 'model' | 'dataset';

function materialise(entries: Array<string | FakeRepoSpec> | undefined, kind: 'models' | 'datasets'): FakeRepo[] {
  return (entries ?? listHfFixtures(kind)).map((e) => buildRepo(typeof e === 'string' ? loadHfFixture(kind, e) : e));
}

function directoriesOf(files: readonly { path: string }[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

/** `/api/models/<repo>` (and datasets): the Hub's JSON shape, siblings included. */
function infoJson(repo: FakeRepo, kind: Kind): Record<string, unknown> {
  const siblings = [...repo.files.map((f) => f.path), ...repo.virtual.map((v) => v.path)].sort().map((rfilename) => ({ rfilename }));
  const author = repo.id.includes('/') ? repo.id.split('/')[0] : undefined;
  const base = { _id: repo.info._id ?? repo.sha.slice(0, 24), id: repo.id, author, sha: repo.sha, ...repo.info, siblings };
  return kind === 'model' ? { ...base, modelId: repo.id, spaces: [] } : base;
}

/** `/api/models/<repo>/tree/main[/<dir>]?recursive=…`: git tree entries with LFS pointers for large files. */
function treeJson(repo: FakeRepo, dir: string, recursive: boolean): unknown[] {
  const inDir = (p: string): boolean => (dir === '' ? true : p.startsWith(`${dir}/`));
  const depthOk = (p: string): boolean => recursive || !p.slice(dir === '' ? 0 : dir.length + 1).includes('/');
  const all = [
    ...repo.files.map((f) => ({ path: f.path, file: f as FakeFile | null, size: f.data.length })),
    ...repo.virtual.map((v) => ({ path: v.path, file: null, size: v.size })),
  ];
  const dirs = directoriesOf(all)
    .filter((d) => inDir(d) && depthOk(d))
    .map((path) => ({ type: 'directory', oid: lfsPointer(path, 0).toString('hex').slice(0, 40), size: 0, path }));
  const files = all
    .filter((f) => inDir(f.path) && depthOk(f.path))
    .map(({ path, file, size }) => {
      if (file && !file.lfs) return { type: 'file', oid: file.gitOid, size, path };
      const sha256 = file ? file.sha256 : lfsPointer(path, size).toString('hex').slice(0, 64);
      const pointer = lfsPointer(sha256, size);
      return { type: 'file', oid: file?.gitOid ?? sha256.slice(0, 40), size, path, lfs: { oid: sha256, size, pointerSize: pointer.length } };
    });
  return [...dirs, ...files].sort((a, b) => a.path.localeCompare(b.path));
}

/** `/api/models/<repo>/refs`: `main` and the repo's tags, each with the commit it points at (`converts` empty). */
function refsJson(repo: FakeRepo): Record<string, unknown> {
  const ref = (kind: 'heads' | 'tags', name: string, targetCommit: string) => ({ name, ref: `refs/${kind}/${name}`, targetCommit });
  return { branches: [ref('heads', 'main', repo.sha)], converts: [], tags: repo.tags.map((t) => ref('tags', t.name, t.commit)) };
}

const NOT_FOUND = { 'x-error-code': 'RepoNotFound' };

/**
 * A local Hugging Face Hub speaking the real wire format for the endpoints ModelGuard uses:
 * model/dataset info, refs (branches and tags), tree listing, and `resolve` downloads (LFS files 302 to a CDN path with
 * X-Linked-Etag/X-Linked-Size, others served directly with the git blob id as ETag; Range → 206).
 */
export async function startFakeHuggingFace(options: FakeHuggingFaceOptions = {}): Promise<FakeHuggingFace> {
  const repos: Record<Kind, FakeRepo[]> = { model: materialise(options.models, 'models'), dataset: materialise(options.datasets, 'datasets') };
  const byBlob = new Map<string, FakeFile>();
  for (const repo of [...repos.model, ...repos.dataset]) for (const f of repo.files) if (f.lfs) byBlob.set(f.sha256, f);

  const find = (kind: Kind, id: string): FakeRepo | undefined => repos[kind].find((r) => r.id === id || r.aliases.includes(id));

  /** Splits `<org>/<name>/<rest>` or legacy `<name>/<rest>` against the known repos (longest match wins). */
  const splitRepo = (kind: Kind, path: string): { repo: FakeRepo; requested: string; rest: string } | null => {
    const parts = path.split('/');
    for (const n of [2, 1]) {
      const requested = parts.slice(0, n).join('/');
      const repo = find(kind, requested);
      if (repo) return { repo, requested, rest: parts.slice(n).join('/') };
    }
    return null;
  };

  const lfsBase = (): string => options.lfsBaseUrl ?? `${handle.url}/cdn-lfs`;

  const api = (res: ServerResponse, kind: Kind, path: string, url: URL): void => {
    const found = splitRepo(kind, decodeURIComponent(path));
    if (!found) return sendJson(res, 404, { error: 'Repository not found' }, NOT_FOUND);
    const { repo, rest } = found;
    if (rest === '' || rest === 'revision/main' || rest === `revision/${repo.sha}`) return sendJson(res, 200, infoJson(repo, kind));
    if (rest === 'refs') return sendJson(res, 200, refsJson(repo));
    const tree = /^tree\/(main|[0-9a-f]{40})(?:\/(.*))?$/.exec(rest);
    if (tree) {
      const all = treeJson(repo, tree[2] ?? '', url.searchParams.get('recursive') === 'true');
      const pageSize = options.treePageSize ?? 1000;
      const offset = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64url').toString() || '0');
      const next = offset + pageSize < all.length ? new URL(url.pathname + url.search, handle.url) : null;
      next?.searchParams.set('cursor', Buffer.from(String(offset + pageSize)).toString('base64url'));
      return sendJson(res, 200, all.slice(offset, offset + pageSize), next ? { link: `<${next.toString()}>; rel="next"` } : {});
    }
    sendJson(res, 404, { error: 'Sorry, we can\'t find the page you are looking for.' });
  };

  const resolve = (req: IncomingMessage, res: ServerResponse, kind: Kind, path: string): void => {
    const found = splitRepo(kind, decodeURIComponent(path));
    if (!found) return sendJson(res, 401, { error: 'Repository not found' }, NOT_FOUND);
    const m = /^resolve\/(main|[0-9a-f]{40})\/(.+)$/.exec(found.rest);
    if (!m) return sendJson(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
    const { repo, requested } = found;
    if (requested !== repo.id) {
      // Renamed/legacy ids redirect to the canonical repo, as the Hub does for e.g. bert-base-uncased.
      const prefix = kind === 'dataset' ? '/datasets/' : '/';
      res.writeHead(307, { location: `${prefix}${repo.id}/${found.rest}` }).end();
      return;
    }
    const file = repo.files.find((f) => f.path === m[2]);
    if (!file) return sendJson(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': repo.sha });
    const common = { 'x-repo-commit': repo.sha };
    if (file.lfs) {
      const name = encodeURIComponent(file.path.split('/').pop() ?? 'file');
      res.writeHead(302, {
        ...common,
        location: `${lfsBase()}/repos/${file.sha256.slice(0, 2)}/${file.sha256.slice(2, 4)}/${file.sha256}?response-content-disposition=attachment%3B+filename%3D%22${name}%22`,
        'x-linked-etag': `"${file.sha256}"`,
        'x-linked-size': String(file.data.length),
        etag: `"${file.sha256}"`,
        'content-length': '0',
      });
      res.end();
      return;
    }
    sendBytes(req, res, file.data, { ...common, etag: `"${file.gitOid}"`, 'content-type': 'text/plain; charset=utf-8' });
  };

  const handle: FakeServerHandle = await startServer((req, res, url) => {
    const p = url.pathname;
    if (p.startsWith('/api/models/')) return api(res, 'model', p.slice('/api/models/'.length), url);
    if (p.startsWith('/api/datasets/')) return api(res, 'dataset', p.slice('/api/datasets/'.length), url);
    const cdn = /^\/cdn-lfs\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(p);
    if (cdn) {
      const file = byBlob.get(cdn[1]);
      if (!file) return sendJson(res, 403, { error: 'AccessDenied' });
      return sendBytes(req, res, file.data, { etag: `"${file.sha256}"`, 'cache-control': 'public, max-age=604800, immutable' });
    }
    if (p.startsWith('/datasets/')) return resolve(req, res, 'dataset', p.slice('/datasets/'.length));
    return resolve(req, res, 'model', p.slice(1));
  });

  const repoOf = (id: string, kind: Kind = 'model'): FakeRepo => {
    const repo = find(kind, id);
    if (!repo) throw new Error(`fake Hub has no ${kind} ${id}`);
    return repo;
  };
  return { ...handle, repoOf, filesOf: (id, kind) => repoOf(id, kind).files };
}
