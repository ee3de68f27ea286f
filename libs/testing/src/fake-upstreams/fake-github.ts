import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { buildRepo, FakeFile, FakeRepoSpec, fixturesRoot, readFixtureSpec } from './fixture-loader';
import { FakeServerHandle, sendJson, startServer } from './http-helpers';

/** An inline GitHub repository; recorded ones live in tests/fixtures/upstreams/github/<owner>__<repo>. */
export interface FakeGitHubRepoSpec {
  fullName: string;
  commit?: string;
  defaultBranch?: string;
  /** SPDX id and name; null = no detected license (GitHub returns `license: null` and 404 on /license). */
  license?: { key: string; name: string; spdx_id: string } | null;
  files: Record<string, string | Buffer>;
  repo?: Record<string, unknown>;
}

export interface FakeGitHubOptions {
  /** `owner/repo` names of recorded fixtures, or inline specs. Default: all recorded fixtures. */
  repos?: Array<string | FakeGitHubRepoSpec>;
}

export interface FakeGitHub extends FakeServerHandle {
  filesOf(fullName: string): FakeFile[];
  /** The top folder GitHub puts in zipballs: `<owner>-<repo>-<short sha>`. */
  zipRootOf(fullName: string): string;
}

interface LoadedRepo {
  fullName: string;
  commit: string;
  defaultBranch: string;
  json: Record<string, unknown>;
  files: FakeFile[];
  zip: Buffer;
}

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

function recorded(fullName: string): FakeGitHubRepoSpec {
  const spec = readFixtureSpec(join(fixturesRoot(), 'github', fullName.replace('/', '__'))) as FakeRepoSpec & {
    full_name: string;
    commit: string;
    repo: Record<string, unknown>;
  };
  const license = (spec.repo.license as FakeGitHubRepoSpec['license']) ?? null;
  return { fullName: spec.full_name, commit: spec.commit, defaultBranch: spec.repo.default_branch as string, license, files: spec.files ?? {}, repo: spec.repo };
}

async function zipball(root: string, files: readonly FakeFile[]): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date(Date.UTC(2024, 0, 1));
  zip.addEmptyDirectory(`${root}/`, { mtime });
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        zip.addEmptyDirectory(`${root}/${d}/`, { mtime });
      }
    }
    zip.addBuffer(f.data, `${root}/${f.path}`, { mtime, mode: 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function load(spec: FakeGitHubRepoSpec): Promise<LoadedRepo> {
  const built = buildRepo({ id: spec.fullName, files: spec.files });
  const commit = spec.commit ?? built.sha;
  const [owner, name] = spec.fullName.split('/');
  const defaultBranch = spec.defaultBranch ?? 'main';
  const root = `${owner}-${name}-${commit.slice(0, 7)}`;
  const json = {
    name,
    full_name: spec.fullName,
    owner: { login: owner, type: 'Organization' },
    default_branch: defaultBranch,
    license: spec.license === undefined ? null : spec.license,
    ...spec.repo,
  };
  return { fullName: spec.fullName, commit, defaultBranch, json, files: built.files, zip: await zipball(root, built.files) };
}

/**
 * A local GitHub REST API for repo metadata, license and zipball downloads. Like api.github.com, the zipball
 * endpoint 302s to a codeload-style URL that streams a real zip whose single top folder is `<owner>-<repo>-<sha7>/`.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const specs = (options.repos ?? ['google-research/bert', 'openai/whisper']).map((r) => (typeof r === 'string' ? recorded(r) : r));
  const repos = await Promise.all(specs.map((s) => load(s)));
  const find = (owner: string, name: string): LoadedRepo | undefined =>
    repos.find((r) => r.fullName.toLowerCase() === `${owner}/${name}`.toLowerCase());
  const refOk = (repo: LoadedRepo, ref: string): boolean =>
    ref === repo.defaultBranch || ref === `refs/heads/${repo.defaultBranch}` || (ref.length >= 7 && repo.commit.startsWith(ref));

  const handle: FakeServerHandle = await startServer((_req, res, url) => {
    const p = decodeURIComponent(url.pathname);
    const codeload = /^\/codeload\/([^/]+)\/([^/]+)\/legacy\.zip\/(.+)$/.exec(p);
    if (codeload) {
      const repo = find(codeload[1], codeload[2]);
      if (!repo || !refOk(repo, codeload[3])) return sendJson(res, 404, NOT_FOUND);
      const root = `${repo.fullName.replace('/', '-')}-${repo.commit.slice(0, 7)}`;
      // codeload streams zipballs chunked, without Content-Length.
      res.writeHead(200, { 'content-type': 'application/zip', 'content-disposition': `attachment; filename=${root}.zip`, etag: `"${repo.commit}"` });
      res.end(repo.zip);
      return;
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(p);
    const repo = m ? find(m[1], m[2]) : undefined;
    if (!m || !repo) return sendJson(res, 404, NOT_FOUND);
    const rest = m[3] ?? '';
    if (rest === '') return sendJson(res, 200, { ...repo.json, html_url: `https://github.com/${repo.fullName}`, url: `${handle.url}/repos/${repo.fullName}` });
    if (rest === 'license') {
      const file = repo.files.find((f) => /^(LICENSE|LICENCE|COPYING)(\.md|\.txt)?$/i.test(f.path));
      if (!file || repo.json.license == null) return sendJson(res, 404, NOT_FOUND);
      return sendJson(res, 200, {
        name: file.path,
        path: file.path,
        sha: file.gitOid,
        size: file.data.length,
        type: 'file',
        content: file.data.toString('base64'),
        encoding: 'base64',
        license: repo.json.license,
      });
    }
    const zip = /^zipball(?:\/(.+))?$/.exec(rest);
    if (zip) {
      const ref = zip[1] ?? repo.defaultBranch;
      if (!refOk(repo, ref)) return sendJson(res, 404, NOT_FOUND);
      res.writeHead(302, { location: `${handle.url}/codeload/${repo.fullName}/legacy.zip/${ref}`, 'content-length': '0' }).end();
      return;
    }
    sendJson(res, 404, NOT_FOUND);
  });

  const get = (fullName: string): LoadedRepo => {
    const [owner, name] = fullName.split('/');
    const repo = find(owner, name);
    if (!repo) throw new Error(`fake GitHub has no ${fullName}`);
    return repo;
  };
  return {
    ...handle,
    filesOf: (fullName) => get(fullName).files,
    zipRootOf: (fullName) => `${get(fullName).fullName.replace('/', '-')}-${get(fullName).commit.slice(0, 7)}`,
  };
}
