import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@modelguard/config';
import { createSafeFetcher, GitHubClient } from '@modelguard/egress';
import { type FakeGitHub, startFakeGitHub } from '@modelguard/testing';
import type { EvidenceUnavailable, GithubEvidence } from '../rating/rating-evidence';
import { GithubEvidenceCollector, type GithubEvidenceOptions } from './github-evidence.collector';
import { buildGithubEvidenceCollector } from './github-evidence.provider';

/*
 * The collector against the fake GitHub upstream and its recordings (tests/fixtures/upstreams/github/<repo>/api).
 * google-research/bert: 21 contributors (98 commits, 63 by jacobdevlin-google); 21 closed pull requests, 13 merged,
 * 12 of them into master; 6 of those were reviewed by someone other than their author (1,050 of their 1,562 added
 * lines); master gained 2,800 lines from the week of the oldest of them (#702, 2019-02-07) on.
 */

let gh: FakeGitHub;
const dataDir = mkdtempSync(join(tmpdir(), 'mg-gh-evidence-'));

beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await gh.close();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  gh.clearFailures();
  gh.setRateLimitRemaining(5000);
  gh.setStatsPending(0);
});

function collector(options: Partial<GithubEvidenceOptions> = {}, callTimeoutMs = 5000): GithubEvidenceCollector {
  const fetcher = createSafeFetcher({ hfEndpoint: 'https://huggingface.co', githubApiUrl: gh.url, allowedHosts: [], allowPrivateNetworks: true, maxPackageBytes: 1 << 20, requestTimeoutMs: 5000 });
  return new GithubEvidenceCollector(new GitHubClient(fetcher, gh.url, { timeoutMs: callTimeoutMs }), { statsRetryDelayMs: 20, ...options });
}

function evidence(result: GithubEvidence | EvidenceUnavailable): GithubEvidence {
  if ('unavailable' in result) throw new Error(`expected evidence, got: ${result.unavailable}`);
  return result;
}

function unavailable(result: GithubEvidence | EvidenceUnavailable): string {
  if (!('unavailable' in result)) throw new Error(`expected unavailable, got evidence for ${result.repo}`);
  return result.unavailable;
}

const reviewedShare = (e: GithubEvidence): number => e.pulls.filter((p) => p.reviewed).reduce((n, p) => n + p.additions, 0) / e.totalAdditions;

describe('GithubEvidenceCollector', () => {
  it('reads bert: contributors by commits, the merged pull requests into master with their reviews, and the lines since', async () => {
    const before = gh.requests.length;
    const e = evidence(await collector().collect('https://github.com/google-research/bert'));
    expect(e.repo).toBe('google-research/bert');
    expect(e.contributors).toHaveLength(21);
    expect(e.contributors[0]).toEqual({ login: 'jacobdevlin-google', commits: 63 });
    expect(e.contributors.reduce((n, c) => n + c.commits, 0)).toBe(98);
    expect(e.pulls.map((p) => p.number)).toEqual([1034, 1009, 981, 960, 923, 901, 874, 856, 812, 790, 745, 702]);
    // Reviewed: approvals, change requests and comments by someone else. Not: no review, only the author's own
    // comment (#960), a pending draft (#901), a dismissed review (#874), a bot (#745).
    expect(e.pulls.filter((p) => p.reviewed).map((p) => p.number)).toEqual([1034, 1009, 923, 856, 790, 702]);
    expect(e.pulls.find((p) => p.number === 923)).toEqual({ number: 923, additions: 210, deletions: 95, reviewed: true });
    expect(e.totalAdditions).toBe(2800);
    expect(reviewedShare(e)).toBeCloseTo(0.375, 6);
    const calls = gh.requests.slice(before).map((r) => r.path);
    // repo + contributors + stats + one page of pulls + 2 per pull request.
    expect(calls).toHaveLength(4 + 2 * 12);
    expect(calls).toContain('/repos/google-research/bert/pulls?state=closed&sort=updated&direction=desc&per_page=100&base=master');
  });

  it('samples only the newest merges when asked, paging through closed pull requests until it has them', async () => {
    const before = gh.requests.length;
    const e = evidence(await collector({ maxPulls: 5, pullsPerPage: 5 }).collect('github.com/Google-Research/bert.git'));
    expect(e.pulls.map((p) => p.number)).toEqual([1034, 1009, 981, 960, 923]);
    // From the week of #923's merge (2019-10-27) on: the five pull requests (693 lines) and two pushes (285).
    expect(e.totalAdditions).toBe(978);
    const pages = gh.requests.slice(before).filter((r) => /\/pulls\?/.test(r.path));
    expect(pages).toHaveLength(2);
  });

  it('reads a small repository: one maintainer, one merged pull request without review', async () => {
    const e = evidence(await collector().collect('https://github.com/modelguard-fixtures/tiny-classifier/tree/main/src'));
    expect(e).toEqual({
      repo: 'modelguard-fixtures/tiny-classifier',
      contributors: [
        { login: 'solo-maintainer', commits: 14 },
        { login: 'drive-by', commits: 1 },
      ],
      pulls: [{ number: 3, additions: 12, deletions: 3, reviewed: false }],
      totalAdditions: 60,
    });
  });

  it('waits for statistics GitHub is still computing, within its attempts', async () => {
    gh.setStatsPending(1);
    expect(evidence(await collector().collect('https://github.com/google-research/bert')).totalAdditions).toBe(2800);
    gh.setStatsPending(5);
    expect(unavailable(await collector({ statsAttempts: 2 }).collect('https://github.com/google-research/bert'))).toMatch(/still computing commit statistics .* after 2 attempts/);
  });

  it('reports a repository that answers 404', async () => {
    expect(unavailable(await collector().collect('https://github.com/nobody/nothing'))).toBe('GitHub repository nobody/nothing not found (404)');
    gh.failWith('not-found', '/reviews');
    expect(unavailable(await collector().collect('https://github.com/google-research/bert'))).toMatch(/^GitHub answered 404 while reading google-research\/bert: .*\/pulls\/\d+\/reviews answered 404$/);
  });

  it('reports GitHub rate limiting, at the first call or midway through the pull requests', async () => {
    gh.setRateLimitRemaining(0);
    expect(unavailable(await collector().collect('https://github.com/google-research/bert'))).toMatch(/^GitHub rate limit exceeded while reading google-research\/bert: .*403.*resets at/);
    gh.setRateLimitRemaining(8);
    expect(unavailable(await collector().collect('https://github.com/google-research/bert'))).toMatch(/rate limit exceeded/);
  });

  it('gives up on a hanging upstream within the total time, or when one call times out', async () => {
    gh.failWith('hang', '/pulls');
    let started = Date.now();
    expect(unavailable(await collector({ totalTimeoutMs: 800 }, 10_000).collect('https://github.com/google-research/bert'))).toBe(
      'GitHub did not answer for google-research/bert within 800 ms',
    );
    expect(Date.now() - started).toBeLessThan(1500);
    started = Date.now();
    expect(unavailable(await collector({ totalTimeoutMs: 5000 }, 300).collect('https://github.com/google-research/bert'))).toMatch(/^GitHub timed out while reading google-research\/bert/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('is cancelled by the caller signal and refuses URLs that are not GitHub repositories, without throwing', async () => {
    gh.failWith('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(unavailable(await collector().collect('https://github.com/google-research/bert', controller.signal))).toContain('cancelled');
    for (const url of ['https://gitlab.com/a/b', 'https://github.com/google-research', 'https://github.com/orgs/x', 'not a url', 'https://user:pw@github.com/a/b']) {
      expect(unavailable(await collector().collect(url))).toMatch(/^not a GitHub repository URL/);
    }
  });

  it('is built from the app config the way the scoring service builds it', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, GITHUB_API_URL: gh.url, UPSTREAM_ALLOW_PRIVATE: 'true', GITHUB_TOKEN: 'ghp_fixture' }, 'scoring');
    const e = evidence(await buildGithubEvidenceCollector(config, { collector: { maxPulls: 2 } }).collect('https://github.com/google-research/bert'));
    expect(e.pulls.map((p) => p.number)).toEqual([1034, 1009]);
    const denied = loadConfig({ DATA_DIR: dataDir, GITHUB_API_URL: gh.url }, 'scoring');
    expect(unavailable(await buildGithubEvidenceCollector(denied).collect('https://github.com/google-research/bert'))).toMatch(/egress policy/);
  });
});
