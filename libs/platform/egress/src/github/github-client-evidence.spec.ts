import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetcher } from '../safe-fetcher.factory';
import { GitHubClient, type GitHubClientOptions } from './github-client';
import { nextPageUrl } from './github-responses';

/*
 * The GitHub endpoints behind bus_factor and reviewedness, against a local server that answers in GitHub's wire
 * format: pagination by Link header, 202/204 statistics answers, the rate-limit 403 and per-call timeouts.
 */

let server: Server;
let other: Server;
let api: string;
let otherUrl: string;
const seen: { path: string; authorization?: string; version?: string }[] = [];

const user = (login: string, type = 'User') => ({ login, id: login.length, node_id: 'x', type, site_admin: false });
const pr = (number: number, merged_at: string | null, updated_at: string, base = 'main') => ({
  url: `https://api.github.com/repos/o/r/pulls/${number}`,
  number,
  state: 'closed',
  title: `PR ${number}`,
  user: user('dev'),
  created_at: '2024-01-01T00:00:00Z',
  updated_at,
  closed_at: updated_at,
  merged_at,
  merge_commit_sha: 'a'.repeat(40),
  base: { label: `o:${base}`, ref: base, sha: 'b'.repeat(40) },
});
let statsCalls = 0;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', api);
  seen.push({ path: url.pathname + url.search, authorization: req.headers.authorization, version: req.headers['x-github-api-version'] as string | undefined });
  const page = Number(url.searchParams.get('page') ?? '1');
  switch (url.pathname) {
    case '/repos/o/r/contributors':
      // Page 1 links to page 2; page 2 links to a foreign origin, which must not be followed.
      if (page === 1) return json(res, 200, [{ ...user('alice'), contributions: 40 }, { login: 7, contributions: 'many' }], { link: `<${api}/repositories/1/contributors?per_page=2&page=2>; rel="next", <${api}/repositories/1/contributors?per_page=2&page=3>; rel="last"` });
      return json(res, 404, { message: 'Not Found' });
    case '/repositories/1/contributors':
      return json(res, 200, [{ ...user('bob'), contributions: 3 }], { link: `<${otherUrl}/steal?page=3>; rel="next"` });
    case '/repos/o/empty/contributors':
      res.writeHead(204).end();
      return;
    case '/repos/o/r/pulls':
      if (page === 1)
        return json(res, 200, [pr(9, null, '2024-05-09T00:00:00Z'), pr(8, '2024-05-01T00:00:00Z', '2024-05-08T00:00:00Z'), pr(7, '2024-05-07T00:00:00Z', '2024-05-07T00:00:00Z')], {
          link: `<${api}/repos/o/r/pulls?state=closed&page=2>; rel="next"`,
        });
      return json(res, 200, [pr(6, '2024-04-01T00:00:00Z', '2024-04-02T00:00:00Z'), pr(5, '2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z')]);
    case '/repos/o/r/pulls/8':
      return json(res, 200, { ...pr(8, '2024-05-01T00:00:00Z', '2024-05-08T00:00:00Z'), merged: true, additions: 120, deletions: 30, changed_files: 2, commits: 1 });
    case '/repos/o/r/pulls/8/reviews':
      return json(res, 200, [{ id: 1, user: user('carol'), state: 'APPROVED', submitted_at: '2024-04-30T00:00:00Z', commit_id: 'c'.repeat(40) }, { id: 'bad' }]);
    case '/repos/o/r/pulls/4':
      return json(res, 200, { ...pr(4, null, '2024-01-01T00:00:00Z'), additions: -1, deletions: 0 });
    case '/repos/o/r/stats/contributors':
      statsCalls += 1;
      if (statsCalls === 1) return json(res, 202, {});
      return json(res, 200, [{ total: 2, author: user('alice'), weeks: [{ w: 1714262400, a: 150, d: 10, c: 2 }] }]);
    case '/repos/o/empty/stats/contributors':
      res.writeHead(204).end();
      return;
    case '/repos/o/limited':
      return json(res, 403, { message: 'API rate limit exceeded for 127.0.0.1.' }, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600' });
    case '/repos/o/secondary':
      return json(res, 429, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' });
    case '/repos/o/forbidden':
      return json(res, 403, { message: 'Resource not accessible' }, { 'x-ratelimit-remaining': '4999' });
    case '/repos/o/hang':
      return; // never answers
    case '/repos/o/r/zipball/main':
      res.writeHead(302, { location: `${otherUrl}/codeload/o/r/legacy.zip/main`, 'content-length': '0' }).end();
      return;
    default:
      json(res, 404, { message: 'Not Found' });
  }
}

beforeAll(async () => {
  server = createServer(route);
  other = createServer((req, res) => {
    seen.push({ path: `other:${req.url ?? ''}`, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-length': '3' }).end('zip');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

function client(options: GitHubClientOptions = {}): GitHubClient {
  const fetcher = createSafeFetcher({ hfEndpoint: 'https://huggingface.co', githubApiUrl: api, allowedHosts: [], allowPrivateNetworks: true, maxPackageBytes: 1 << 20, requestTimeoutMs: 5000 });
  return new GitHubClient(fetcher, api, options);
}

describe('GitHubClient evidence endpoints', () => {
  it('follows Link pages on the API origin only and drops entries of the wrong shape', async () => {
    const contributors = await client().contributors('o', 'r', { maxPages: 5 });
    expect(contributors.map((c) => [c.login, c.contributions])).toEqual([
      ['alice', 40],
      ['bob', 3],
    ]);
    expect(seen.some((s) => s.path.includes('steal'))).toBe(false);
    expect(await client().contributors('o', 'r', { maxPages: 1 })).toHaveLength(1);
    expect(await client().contributors('o', 'empty')).toEqual([]);
  });

  it('lists merged pull requests newest merge first, filtered by base, and stops once it has enough', async () => {
    seen.length = 0;
    const merged = await client().mergedPulls('o', 'r', { base: 'main', limit: 2, perPage: 3 });
    expect(merged.map((p) => p.number)).toEqual([7, 8]);
    expect(seen.map((s) => s.path)).toEqual(['/repos/o/r/pulls?state=closed&sort=updated&direction=desc&per_page=3&base=main']);
    const all = await client().mergedPulls('o', 'r', { limit: 30, maxPages: 2 });
    expect(all.map((p) => p.number)).toEqual([7, 8, 6, 5]);
  });

  it('reads a pull request size and its reviews, and refuses a size that is not a count', async () => {
    const pull = await client().pull('o', 'r', 8);
    expect([pull.additions, pull.deletions, pull.merged]).toEqual([120, 30, true]);
    const reviews = await client().pullReviews('o', 'r', 8);
    expect(reviews.map((r) => [r.user?.login, r.state])).toEqual([['carol', 'APPROVED']]);
    await expect(client().pull('o', 'r', 4)).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('reports contributor statistics as null while GitHub computes them (202), then the weeks; 204 is empty', async () => {
    statsCalls = 0;
    expect(await client().contributorStats('o', 'r')).toBeNull();
    const stats = await client().contributorStats('o', 'r');
    expect(stats?.[0].weeks[0]).toMatchObject({ w: 1714262400, a: 150 });
    expect(await client().contributorStats('o', 'empty')).toEqual([]);
  });

  it('maps GitHub rate limits to a retriable rate-limited error, and other 403s to http-status', async () => {
    const limited = await client().repo('o', 'limited').catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'rate-limited', status: 403, retriable: true });
    expect((limited as Error).message).toContain('2026-01-01T00:00:00.000Z');
    await expect(client().repo('o', 'secondary')).rejects.toMatchObject({ kind: 'rate-limited', status: 429 });
    await expect(client().repo('o', 'forbidden')).rejects.toMatchObject({ kind: 'http-status', status: 403, retriable: false });
    await expect(client().contributors('o', 'missing')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('times out a call that never answers, and aborts with the signal', async () => {
    const started = Date.now();
    await expect(client({ timeoutMs: 300 }).repo('o', 'hang')).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(client().withSignal(controller.signal).repo('o', 'hang')).rejects.toMatchObject({ kind: 'network' });
  });

  it('sends the token as a Bearer header with the API version, and never past a redirect to another origin', async () => {
    seen.length = 0;
    await client({ token: 'ghp_secret' }).contributors('o', 'r');
    expect(seen[0]).toMatchObject({ authorization: 'Bearer ghp_secret', version: '2022-11-28' });
    await client().contributors('o', 'r');
    expect(seen[1].authorization).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'gh-token-'));
    try {
      seen.length = 0;
      await client({ token: 'ghp_secret' }).downloadZipball('o', 'r', 'main', join(dir, 'r.zip'));
      expect(seen.map((s) => [s.path, s.authorization])).toEqual([
        ['/repos/o/r/zipball/main', 'Bearer ghp_secret'],
        ['other:/codeload/o/r/legacy.zip/main', undefined],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('nextPageUrl', () => {
  const apiUrl = 'https://api.github.com';
  it('finds rel="next" among several relations and resolves it', () => {
    const link = '<https://api.github.com/repositories/1/pulls?page=1>; rel="prev", <https://api.github.com/repositories/1/pulls?page=3>; rel="next", <https://api.github.com/repositories/1/pulls?page=9>; rel="last"';
    expect(nextPageUrl(link, `${apiUrl}/repos/o/r/pulls?page=2`, apiUrl)).toBe('https://api.github.com/repositories/1/pulls?page=3');
  });

  it('ignores a missing header, a last-only header and another origin', () => {
    expect(nextPageUrl(undefined, apiUrl, apiUrl)).toBeUndefined();
    expect(nextPageUrl('<https://api.github.com/x?page=2>; rel="last"', apiUrl, apiUrl)).toBeUndefined();
    expect(nextPageUrl('<https://evil.example/x?page=2>; rel="next"', apiUrl, apiUrl)).toBeUndefined();
  });
});
