import { GITHUB_OWNER_PATTERN as OWNER, GITHUB_REPO_NAME_PATTERN as REPO, GITHUB_RESERVED_OWNERS as RESERVED_OWNERS } from '@modelguard/contracts';

/** A GitHub repository named by a URL. */
export interface GithubRepoRef {
  owner: string;
  repo: string;
}

/**
 * `owner/repo` of a repository URL: `https://github.com/o/r`, `…/o/r.git`, `…/o/r/tree/<ref>/<dir>`,
 * `http://www.github.com/o/r`, `github.com/o/r` and `git@github.com:o/r.git`; null for anything else (other hosts,
 * a bare owner, a site page), so a hostile URL can never make the client call an unexpected path.
 */
export function parseGithubRepoUrl(raw: string): GithubRepoRef | null {
  const text = raw.trim().slice(0, 2048);
  const ssh = /^git@github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(text);
  let segments: string[];
  if (ssh) {
    segments = [ssh[1], ssh[2]];
  } else {
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    } catch {
      return null;
    }
    if (!/^(https?|git):$/.test(url.protocol) || !/^(www\.)?github\.com$/i.test(url.hostname) || url.username || url.password) return null;
    segments = url.pathname.split('/').filter(Boolean);
  }
  if (segments.length < 2) return null;
  const owner = segments[0];
  const repo = segments[1].replace(/\.git$/i, '');
  if (!OWNER.test(owner) || RESERVED_OWNERS.has(owner.toLowerCase()) || !REPO.test(repo) || repo === '.' || repo === '..') return null;
  return { owner, repo };
}
