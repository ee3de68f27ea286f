import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-helpers';

type Json = Record<string, unknown>;

/**
 * Recorded answers of the GitHub endpoints scoring reads (`api/` in a github fixture folder): `contributors.json`
 * and `stats-contributors.json` as GitHub sends them, `pulls.json` holding each pull request as the single-PR
 * endpoint sends it (the list endpoint is derived by dropping the detail-only fields), and `reviews.json` mapping
 * a pull request number to its reviews.
 */
export interface FakeGitHubApiRecording {
  contributors: Json[];
  pulls: Json[];
  reviews: Record<string, Json[]>;
  statsContributors: Json[];
}

export const GITHUB_NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

/** Fields of a pull request that only `GET /pulls/{n}` reports, never the list. */
const DETAIL_ONLY = [
  'merged',
  'mergeable',
  'rebaseable',
  'mergeable_state',
  'merged_by',
  'comments',
  'review_comments',
  'maintainer_can_modify',
  'commits',
  'additions',
  'deletions',
  'changed_files',
];

function readJson<T>(file: string, fallback: T): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

/** Reads `<fixture>/api/*.json`; undefined when the fixture has no recording (only metadata and zipball). */
export function readApiRecording(fixtureDir: string): FakeGitHubApiRecording | undefined {
  const dir = join(fixtureDir, 'api');
  if (!existsSync(dir)) return undefined;
  return {
    contributors: readJson(join(dir, 'contributors.json'), []),
    pulls: readJson(join(dir, 'pulls.json'), []),
    reviews: readJson(join(dir, 'reviews.json'), {}),
    statsContributors: readJson(join(dir, 'stats-contributors.json'), []),
  };
}

/** GitHub's pagination: `per_page` (default 30, at most 100), `page` from 1, and a `Link` header with next/last. */
function sendPage(res: ServerResponse, url: URL, baseUrl: string, items: readonly unknown[]): void {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string): string => {
    const target = new URL(url.pathname + url.search, baseUrl);
    target.searchParams.set('page', String(n));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  sendJson(res, 200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(', ') } : {});
}

function timeOf(pull: Json, field: 'created_at' | 'updated_at'): number {
  return Date.parse(String(pull[field] ?? '')) || 0;
}

/** `GET /pulls` with GitHub's filters: state (default open), base, sort (created|updated), direction. */
function listPulls(recording: FakeGitHubApiRecording, url: URL): Json[] {
  const state = url.searchParams.get('state') ?? 'open';
  const base = url.searchParams.get('base');
  const sort = url.searchParams.get('sort') === 'updated' ? 'updated_at' : 'created_at';
  // GitHub's default direction is desc for `created`, asc otherwise.
  const direction = url.searchParams.get('direction') ?? (sort === 'created_at' ? 'desc' : 'asc');
  const sign = direction === 'asc' ? 1 : -1;
  return recording.pulls
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => base == null || (p.base as Json | undefined)?.ref === base)
    .sort((a, b) => sign * (timeOf(a, sort) - timeOf(b, sort)))
    .map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !DETAIL_ONLY.includes(k))));
}

export interface ApiRouteContext {
  baseUrl: string;
  /** True when this stats call should answer 202 (GitHub still computing). */
  statsPending(): boolean;
}

const API_ROUTES = /^(contributors|pulls|pulls\/\d+|pulls\/\d+\/reviews|stats\/contributors)$/;

/**
 * Serves contributors, pulls, a pull, its reviews and contributor statistics for one repository; returns false
 * when `rest` is none of those. A fixture without a recording answers 404 there, so a test cannot mistake
 * "nothing recorded" for a repository without history.
 */
export function serveRecordedApi(res: ServerResponse, url: URL, rest: string, recording: FakeGitHubApiRecording | undefined, ctx: ApiRouteContext): boolean {
  if (!API_ROUTES.test(rest)) return false;
  if (!recording) {
    sendJson(res, 404, GITHUB_NOT_FOUND);
    return true;
  }
  const data = recording;
  if (rest === 'contributors') {
    // An empty repository answers 204 without a body.
    if (data.contributors.length === 0) res.writeHead(204).end();
    else sendPage(res, url, ctx.baseUrl, data.contributors);
    return true;
  }
  if (rest === 'pulls') {
    sendPage(res, url, ctx.baseUrl, listPulls(data, url));
    return true;
  }
  const pull = /^pulls\/(\d+)(\/reviews)?$/.exec(rest);
  if (pull) {
    const found = data.pulls.find((p) => p.number === Number(pull[1]));
    if (!found) sendJson(res, 404, GITHUB_NOT_FOUND);
    else if (pull[2]) sendPage(res, url, ctx.baseUrl, data.reviews[pull[1]] ?? []);
    else sendJson(res, 200, found);
    return true;
  }
  if (rest === 'stats/contributors') {
    if (ctx.statsPending()) sendJson(res, 202, {});
    else if (data.statsContributors.length === 0) res.writeHead(204).end();
    else sendJson(res, 200, data.statsContributors);
    return true;
  }
  return false;
}
