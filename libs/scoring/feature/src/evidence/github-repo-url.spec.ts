import { describe, expect, it } from 'vitest';
import type { GitHubContributorStats, GitHubReview } from '@modelguard/egress';
import { additionsSince, isReviewed } from './github-evidence.collector';
import { parseGithubRepoUrl } from './github-repo-url';

describe('parseGithubRepoUrl', () => {
  it('reads owner and repository from the URL shapes people paste', () => {
    for (const url of [
      'https://github.com/google-research/bert',
      'https://github.com/google-research/bert/',
      'https://github.com/google-research/bert.git',
      'http://www.github.com/google-research/bert/tree/master/multilingual',
      'github.com/google-research/bert#readme',
      'git@github.com:google-research/bert.git',
    ]) {
      expect(parseGithubRepoUrl(url)).toEqual({ owner: 'google-research', repo: 'bert' });
    }
  });

  it('refuses other hosts, bare owners, site pages, credentials and names GitHub cannot have', () => {
    for (const url of [
      'https://gitlab.com/a/b',
      'https://github.com.evil.example/a/b',
      'https://github.com/a',
      'https://github.com/topics/nlp',
      'https://u:p@github.com/a/b',
      'https://github.com/-bad/b',
      'https://github.com/a/..',
      'ftp://github.com/a/b',
      '',
    ]) {
      expect(parseGithubRepoUrl(url)).toBeNull();
    }
  });
});

describe('isReviewed', () => {
  const review = (login: string | null, state: string, type = 'User'): GitHubReview => ({ id: 1, state, user: login === null ? null : { login, type } });
  it('counts an approval, a change request or a comment by someone else', () => {
    for (const state of ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED']) expect(isReviewed([review('carol', state)], 'dev')).toBe(true);
  });

  it('does not count the author, drafts, dismissed reviews, bots or deleted accounts', () => {
    expect(isReviewed([], 'dev')).toBe(false);
    expect(isReviewed([review('Dev', 'COMMENTED')], 'dev')).toBe(false);
    expect(isReviewed([review('carol', 'PENDING'), review('carol', 'DISMISSED')], 'dev')).toBe(false);
    expect(isReviewed([review('googlebot', 'COMMENTED', 'Bot'), review('copilot[bot]', 'COMMENTED')], 'dev')).toBe(false);
    expect(isReviewed([review(null, 'APPROVED')], 'dev')).toBe(false);
  });
});

describe('additionsSince', () => {
  const week = (iso: string) => Date.parse(iso) / 1000;
  const stats: GitHubContributorStats[] = [
    { total: 2, author: { login: 'a' }, weeks: [{ w: week('2024-01-07T00:00:00Z'), a: 100, d: 0, c: 1 }, { w: week('2024-01-14T00:00:00Z'), a: 20, d: 5, c: 1 }] },
    { total: 1, author: null, weeks: [{ w: week('2024-01-21T00:00:00Z'), a: 3, d: 0, c: 1 }] },
  ];
  it('sums the whole history, or the weeks from the one containing a moment on', () => {
    expect(additionsSince(stats, null)).toBe(123);
    expect(additionsSince(stats, Date.parse('2024-01-17T12:00:00Z'))).toBe(23);
    expect(additionsSince(stats, Date.parse('2024-02-01T00:00:00Z'))).toBe(0);
  });
});
