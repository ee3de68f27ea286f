import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { FakeGitHubApiRecording, GITHUB_NOT_FOUND, readApiRecording, serveRecordedApi } from './fake-github-api';
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
  /** Contributors, pulls, reviews and commit statistics; recorded fixtures read theirs from `api/`. */
  api?: FakeGitHubApiRecording;
}

export interface FakeGitHubOptions {
  /** `owner/repo` names of recorded fixtures, or inline specs. Default: all recorded fixtures. */
  repos?: Array<string | FakeGitHubRepoSpec>;
  /** The API budget reported in `x-ratelimit-*` headers; once spent, API calls answer GitHub's 403. Default 5000. */
  rateLimit?: number;
}

/** How matching API calls misbehave: 404 as for a missing or private repository, GitHub's rate-limit 403, or silence. */
export type FakeGitHubFailure = 'not-found' | 'rate-limited' | 'hang';

export interface FakeGitHub extends FakeServerHandle {
  filesOf(fullName: string): FakeFile[];
  /** The top folder GitHub puts in zipballs: `<owner>-<repo>-<short sha>`. */
  zipRootOf(fullName: string): string;
  /** Until cleared, API calls whose path (with query) matches answer with `failure`; default match: every `/repos/` call. */
  failWith(failure: FakeGitHubFailure, match?: string | RegExp): void;
  clearFailures(): void;
  /** Sets what is left of the API budget (0 = every further API call is rate limited). */
  setRateLimitRemaining(remaining: number): void;
  /** The next `calls` requests to `stats/contributors` answer 202 (GitHub computing statistics), as on a cold cache. */
  setStatsPending(calls: number): void;
}

interface LoadedRepo {
  fullName: string;
  commit: string;
  defaultBranch: string;
  json: Record<string, unknown>;
  files: FakeFile[];
  zip: Buffer;
  api?: FakeGitHubApiRecording;
}

const NOT_FOUND = GITHUB_NOT_FOUND;
const RATE_LIMITED = {
  message:
    "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
};

function recorded(fullName: string): FakeGitHubRepoSpec {
  const dir = join(fixturesRoot(), 'github', fullName.replace('/', '__'));
  const spec = readFixtureSpec(dir) as FakeRepoSpec & {
    full_name: string;
    commit: string;
    repo: Record<string, unknown>;
  };
  const license = (spec.repo.license as FakeGitHubRepoSpec['license']) ?? null;
  return {
    fullName: spec.full_name,
    commit: spec.commit,
    defaultBranch: spec.repo.default_branch as string,
    license,
    files: spec.files ?? {},
    repo: spec.repo,
    api: readApiRecording(dir),
  };
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
  return { fullName: spec.fullName, commit, defaultBranch, json, files: built.files, zip: await zipball(root, built.files), api: spec.api };
}

/**
 * `GET /repos/{o}/{r}/license` as api.github.com answers it: the contents-API entry of the license file (content in
 * base64, wrapped every 60 characters like GitHub's) plus the license GitHub detected in it, which is
 * `{ key: 'other', spdx_id: 'NOASSERTION', url: null }` for a license file it could not classify.
 */
function licenseFileBody(baseUrl: string, repo: LoadedRepo, file: FakeFile): Record<string, unknown> {
  const self = `${baseUrl}/repos/${repo.fullName}/contents/${file.path}?ref=${repo.defaultBranch}`;
  const html = `https://github.com/${repo.fullName}/blob/${repo.defaultBranch}/${file.path}`;
  const git = `${baseUrl}/repos/${repo.fullName}/git/blobs/${file.gitOid}`;
  return {
    name: file.path,
    path: file.path,
    sha: file.gitOid,
    size: file.data.length,
    url: self,
    html_url: html,
    git_url: git,
    download_url: `https://raw.githubusercontent.com/${repo.fullName}/${repo.defaultBranch}/${file.path}`,
    type: 'file',
    content: (file.data.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n',
    encoding: 'base64',
    _links: { self, git, html },
    license: repo.json.license,
  };
}

/**
 * A local GitHub REST API for repo metadata, license, zipball downloads, and the contributor/pull/review/statistics
 * endpoints scoring reads. Like api.github.com, the zipball endpoint 302s to a codeload-style URL that streams a
 * real zip whose single top folder is `<owner>-<repo>-<sha7>/`, API answers carry `x-ratelimit-*` headers, lists
 * paginate with `Link`, and a spent budget answers 403 with `x-ratelimit-remaining: 0`.
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const defaults = ['google-research/bert', 'openai/whisper', 'modelguard-fixtures/tiny-classifier'];
  const specs = (options.repos ?? defaults).map((r) => (typeof r === 'string' ? recorded(r) : r));
  const repos = await Promise.all(specs.map((s) => load(s)));
  const find = (owner: string, name: string): LoadedRepo | undefined =>
    repos.find((r) => r.fullName.toLowerCase() === `${owner}/${name}`.toLowerCase());
  const refOk = (repo: LoadedRepo, ref: string): boolean =>
    ref === repo.defaultBranch || ref === `refs/heads/${repo.defaultBranch}` || (ref.length >= 7 && repo.commit.startsWith(ref));

  const limit = options.rateLimit ?? 5000;
  const budget = { remaining: limit, reset: Math.floor(Date.now() / 1000) + 3600 };
  let failures: Array<{ failure: FakeGitHubFailure; match: string | RegExp }> = [];
  let statsPending = 0;
  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(budget.remaining),
    'x-ratelimit-reset': String(budget.reset),
    'x-ratelimit-used': String(Math.max(0, limit - budget.remaining)),
    'x-ratelimit-resource': 'core',
  });

  const handle: FakeServerHandle = await startServer((_req, res, url) => {
    const p = decodeURIComponent(url.pathname);
    if (p.startsWith('/repos/')) {
      const failure = failures.find((f) => (typeof f.match === 'string' ? (url.pathname + url.search).includes(f.match) : f.match.test(url.pathname + url.search)));
      if (failure?.failure === 'hang') return;
      if (failure?.failure === 'not-found') return sendJson(res, 404, NOT_FOUND);
      if (failure?.failure === 'rate-limited' || budget.remaining <= 0) {
        return sendJson(res, 403, RATE_LIMITED, { ...rateHeaders(), 'x-ratelimit-remaining': '0' });
      }
      budget.remaining -= 1;
      for (const [name, value] of Object.entries(rateHeaders())) res.setHeader(name, value);
    }
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
    const served = serveRecordedApi(res, url, rest, repo.api, {
      baseUrl: handle.url,
      statsPending: () => statsPending > 0 && (statsPending -= 1) >= 0,
    });
    if (served) return;
    if (rest === '') return sendJson(res, 200, { ...repo.json, html_url: `https://github.com/${repo.fullName}`, url: `${handle.url}/repos/${repo.fullName}` });
    if (rest === 'license') {
      const file = repo.files.find((f) => /^(LICENSE|LICENCE|COPYING)(\.md|\.txt)?$/i.test(f.path));
      if (!file || repo.json.license == null) return sendJson(res, 404, NOT_FOUND);
      return sendJson(res, 200, licenseFileBody(handle.url, repo, file));
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
    failWith: (failure, match = '/repos/') => failures.push({ failure, match }),
    clearFailures: () => {
      failures = [];
    },
    setRateLimitRemaining: (remaining) => {
      budget.remaining = remaining;
    },
    setStatsPending: (calls) => {
      statsPending = calls;
    },
  };
}
