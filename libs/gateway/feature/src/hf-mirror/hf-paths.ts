import { hfError } from './hf-errors';

export type HfKind = 'model' | 'dataset';

/** What a mirror request names, parsed from the raw (still percent-encoded) URL path. */
export interface HfApiTarget {
  kind: HfKind;
  repo: string;
  /** The rest after the repo id: [] (info), ['revision', r], ['tree', r, ...path], ['paths-info', r]. */
  rest: string[];
}

export interface HfResolveTarget {
  kind: HfKind;
  repo: string;
  revision: string;
  path: string;
}

/** Longest URL path the mirror reads at all; Hub paths are far shorter. */
const MAX_PATH_CHARS = 2048;
/** Hub id rules (as ingest's upstream-url.ts checks them): letters, digits, `-_.`, no leading/trailing `-.`, no `--`/`..`. */
const REPO_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
/** Words that start the part after a single-name (legacy) repo id, e.g. `/api/models/gpt2/revision/main`. */
const API_MARKERS = new Set(['revision', 'tree', 'paths-info', 'refs']);
/** Branch, tag or commit names the mirror can answer for: nothing that could add path components. */
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

function badRequest(message: string): Error {
  return hfError(400, 'ModelGuardBadRequest', message, {}, 'hostile-input');
}

/**
 * Splits a raw path into decoded segments. Each segment is decoded on its own, so `%2F` can never smuggle a separator
 * in; `.`/`..`, backslashes and control characters are refused outright (a client never sends them).
 */
export function rawSegments(originalUrl: string): string[] {
  const pathname = originalUrl.split('?')[0] ?? '';
  if (pathname.length > MAX_PATH_CHARS) throw badRequest(`path longer than ${MAX_PATH_CHARS} characters`);
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(s);
      } catch {
        throw badRequest('path is not valid percent-encoding');
      }
      if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded) || hasControlCharacter(decoded)) throw badRequest('path has an illegal segment (traversal, encoded slash or control character)');
      return decoded;
    });
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function repoOf(parts: string[]): string {
  if (parts.length === 0 || !parts.every((p) => REPO_PART.test(p) && !p.includes('..') && !p.includes('--'))) {
    throw badRequest('not a valid repository id');
  }
  return parts.join('/');
}

export function parseRevision(raw: string | undefined): string {
  if (raw === undefined || !REVISION.test(raw)) throw badRequest('not a valid revision');
  return raw;
}

/** `/api/{models|datasets}/{repo}[/…]`: legacy single-name ids when the second segment is an API word. */
export function parseApiPath(originalUrl: string): HfApiTarget {
  const segments = rawSegments(originalUrl);
  const kind: HfKind = segments[1] === 'datasets' ? 'dataset' : 'model';
  const after = segments.slice(2);
  const idLength = after.length >= 2 && !API_MARKERS.has(after[1]) ? 2 : 1;
  return { kind, repo: repoOf(after.slice(0, idLength)), rest: after.slice(idLength) };
}

/** `[/datasets]/{repo}/resolve/{revision}/{path}` with a one- or two-part repo id. */
export function parseResolvePath(originalUrl: string): HfResolveTarget {
  const all = rawSegments(originalUrl);
  const kind: HfKind = all[0] === 'datasets' && all.indexOf('resolve') > 1 ? 'dataset' : 'model';
  const segments = kind === 'dataset' ? all.slice(1) : all;
  const at = segments.indexOf('resolve');
  if (at < 1 || at > 2) throw badRequest('not a resolve URL');
  const revision = parseRevision(segments[at + 1]);
  const path = segments.slice(at + 2).join('/');
  if (path.length === 0 || path.length > 1024) throw badRequest('file path must be 1 to 1024 characters');
  return { kind, repo: repoOf(segments.slice(0, at)), revision, path };
}
