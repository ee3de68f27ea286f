import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetcher, GitHubClient } from '@modelguard/egress';
import { type FakeGitHub, startFakeGitHub } from '@modelguard/testing';
import { GithubLicenseReader } from './github-license.reader';

/*
 * The license read against the fake GitHub (tests/fixtures/upstreams/github): google-research/bert is detected as
 * Apache-2.0; modelguard-fixtures/finetune-recipes has a LICENSE GitHub cannot classify (NOASSERTION: an MIT text
 * under a preamble about a vendored file); the inline repositories cover no license file and custom terms.
 */

const CUSTOM_TERMS = `ACME RESEARCH MODEL CODE AGREEMENT\n\n${'You may run this code internally. Redistribution requires written consent of ACME Research. '.repeat(40)}`;

let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub({
    repos: [
      'google-research/bert',
      'modelguard-fixtures/finetune-recipes',
      { fullName: 'acme/no-license', license: null, files: { 'README.md': '# No license here\n', 'train.py': 'print(1)\n' } },
      {
        fullName: 'acme/custom-terms',
        license: { key: 'other', name: 'Other', spdx_id: 'NOASSERTION' },
        files: { LICENSE: CUSTOM_TERMS, 'train.py': 'print(1)\n' },
      },
    ],
  });
});
afterAll(async () => gh.close());
afterEach(() => {
  gh.clearFailures();
  gh.setRateLimitRemaining(5000);
});

function reader(timeoutMs = 3_000, apiUrl = gh.url): GithubLicenseReader {
  const fetcher = createSafeFetcher({ hfEndpoint: 'https://huggingface.co', githubApiUrl: apiUrl, allowedHosts: [], allowPrivateNetworks: true, maxPackageBytes: 1 << 20, requestTimeoutMs: 5_000 });
  return new GithubLicenseReader(new GitHubClient(fetcher, apiUrl, { timeoutMs: 5_000 }), timeoutMs);
}

describe('GithubLicenseReader', () => {
  it("takes GitHub's SPDX detection when it has one, in one call", async () => {
    const before = gh.requests.length;
    expect(await reader().read({ owner: 'google-research', repo: 'bert' })).toEqual({
      status: 'found',
      id: 'Apache-2.0',
      source: "GitHub's license detection of LICENSE",
    });
    expect(gh.requests.slice(before).map((r) => r.path)).toEqual(['/repos/google-research/bert/license']);
  });

  it('reads the LICENSE text when GitHub says NOASSERTION', async () => {
    const result = await reader().read({ owner: 'modelguard-fixtures', repo: 'finetune-recipes' });
    expect(result).toEqual({ status: 'found', id: 'mit', source: 'the text of LICENSE (GitHub: NOASSERTION)' });
  });

  it('calls a license file no license we recognise unrecognised, never a known license', async () => {
    const result = await reader().read({ owner: 'acme', repo: 'custom-terms' });
    expect(result).toMatchObject({ status: 'unrecognised' });
    expect(result.status === 'unrecognised' && result.source).toMatch(/LICENSE \(GitHub: NOASSERTION\), whose text matches no license/);
  });

  it('tells a repository without a license file from one that does not exist', async () => {
    expect(await reader().read({ owner: 'acme', repo: 'no-license' })).toEqual({ status: 'none' });
    const missing = await reader().read({ owner: 'nobody', repo: 'nothing' });
    expect(missing).toEqual({ status: 'repo-not-found', reason: 'the GitHub project nobody/nothing does not exist (or is private)' });
  });

  it('reports GitHub unreachable on a rate limit, a 5xx, a reset connection and a hang (within its time bound)', async () => {
    gh.failWith('rate-limited');
    const limited = await reader().read({ owner: 'google-research', repo: 'bert' });
    expect(limited).toMatchObject({ status: 'unreachable' });
    expect(limited.status === 'unreachable' && limited.reason).toMatch(/rate limit/);
    gh.clearFailures();

    gh.inject({ match: '/license', status: 503, times: 1 });
    expect(await reader().read({ owner: 'google-research', repo: 'bert' })).toMatchObject({ status: 'unreachable' });
    gh.inject({ match: '/license', action: 'reset', times: 1 });
    expect(await reader().read({ owner: 'google-research', repo: 'bert' })).toMatchObject({ status: 'unreachable' });
    // A 404 on /license followed by a failing repository call is unreachable too, not "no license".
    gh.inject({ match: /^\/repos\/acme\/no-license$/, status: 502, times: 1 });
    const before = gh.requests.length;
    expect(await reader().read({ owner: 'acme', repo: 'no-license' })).toMatchObject({ status: 'unreachable' });
    expect(gh.requests.slice(before).map((r) => r.path)).toEqual(['/repos/acme/no-license/license', '/repos/acme/no-license']);

    gh.failWith('hang', '/license');
    const started = Date.now();
    expect(await reader(300).read({ owner: 'google-research', repo: 'bert' })).toMatchObject({ status: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a closed port as unreachable', async () => {
    expect(await reader(1_000, 'http://127.0.0.1:1').read({ owner: 'google-research', repo: 'bert' })).toMatchObject({ status: 'unreachable' });
  });
});
