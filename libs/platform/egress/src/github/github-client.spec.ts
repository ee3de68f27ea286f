import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetcher } from '../safe-fetcher.factory';
import { UpstreamError } from '../upstream-error';
import { GitHubClient, encodeGitRef, licenseIdOf, type GitHubRepo } from './github-client';

let server: Server;
let api: string;
const seen: { path: string; accept: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', accept: req.headers.accept });
    if (req.url === '/repos/o%20x/r') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ full_name: 'o x/r', default_branch: 'main', license: { key: 'mit', spdx_id: 'MIT' } }));
    else if (req.url === '/repos/o/broken') res.writeHead(200, { 'content-type': 'application/json' }).end('{"full_name": 7}');
    else if (req.url === '/repos/o/r/license') {
      const body = { name: 'LICENSE', path: 'LICENSE', sha: 'abc', size: 4, content: 'TUlU\n', encoding: 'base64', license: { key: 'other', name: 'Other', spdx_id: 'NOASSERTION', url: null } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else if (req.url === '/repos/o/broken/license') res.writeHead(200, { 'content-type': 'application/json' }).end('{"name": 5}');
    else if (req.url === '/repos/o/r/zipball/feature/a%20b') res.writeHead(200, { 'content-length': '3' }).end('zip');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): GitHubClient {
  const fetcher = createSafeFetcher({ hfEndpoint: 'https://huggingface.co', githubApiUrl: api, allowedHosts: [], allowPrivateNetworks: true, maxPackageBytes: 1024, requestTimeoutMs: 2000 });
  return new GitHubClient(fetcher, api);
}

describe('GitHubClient', () => {
  it('reads repository metadata with the GitHub media type and encoded names', async () => {
    const repo = await client().repo('o x', 'r');
    expect(repo.default_branch).toBe('main');
    expect(licenseIdOf(repo)).toBe('MIT');
    expect(seen.at(-1)).toEqual({ path: '/repos/o%20x/r', accept: 'application/vnd.github+json' });
  });

  it('reads the license file with the license GitHub detected in it, and refuses a license answer of the wrong shape', async () => {
    const file = await client().license('o', 'r');
    expect([file.path, file.license?.spdx_id, Buffer.from(file.content ?? '', 'base64').toString()]).toEqual(['LICENSE', 'NOASSERTION', 'MIT']);
    await expect(client().license('o', 'broken')).rejects.toMatchObject({ kind: 'invalid-response' });
    await expect(client().license('o', 'missing')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('refuses a repository answer of the wrong shape', async () => {
    await expect(client().repo('o', 'broken')).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('maps a missing repository to a non-retriable not-found', async () => {
    const error = await client().repo('o', 'missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'not-found', retriable: false });
  });

  it('downloads a zipball at a ref with slashes kept and segments encoded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-client-'));
    try {
      const { size } = await client().downloadZipball('o', 'r', 'feature/a b', join(dir, 'x.zip'));
      expect(size).toBe(3);
      expect(await readFile(join(dir, 'x.zip'), 'utf8')).toBe('zip');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('licenseIdOf', () => {
  const repo = (license: GitHubRepo['license']): GitHubRepo => ({ full_name: 'o/r', default_branch: 'main', license });
  it('prefers the SPDX id, falls back to the key for NOASSERTION, and is undefined without a license', () => {
    expect(licenseIdOf(repo({ key: 'apache-2.0', spdx_id: 'Apache-2.0' }))).toBe('Apache-2.0');
    expect(licenseIdOf(repo({ key: 'other', spdx_id: 'NOASSERTION' }))).toBe('other');
    expect(licenseIdOf(repo(null))).toBeUndefined();
  });

  it('encodes each ref segment', () => expect(encodeGitRef('release/v1 .0')).toBe('release/v1%20.0'));
});
