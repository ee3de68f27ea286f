import { parseReleaseVersion, releaseVersionProblem } from '@modelguard/domain';
import semver from 'semver';
import { ClientError } from './client-error';

const PLAIN = /^\d+\.\d+\.\d+$/;
const BOUNDED = /^(\d+\.\d+\.\d+)-(\d+\.\d+\.\d+)$/;

/**
 * Turns a version query into an npm-semver range: exact `1.2.3`, bounded `1.2.3-2.1.0` (inclusive both ends),
 * tilde `~1.2.0` and caret `^1.2.0` with npm's meaning. A bounded range is checked before semver parsing because
 * `1.2.3-2.1.0` would otherwise read as a pre-release of 1.2.3.
 */
export function parseVersionQuery(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 100) {
    throw new ClientError(400, 'version query must be a non-empty string of at most 100 characters');
  }
  const q = raw.trim();
  const bounded = BOUNDED.exec(q);
  if (bounded) {
    const [, low, high] = bounded as unknown as [string, string, string];
    if (semver.gt(low, high)) throw new ClientError(400, `bounded range ${q} has its lower bound above its upper bound`);
    return `>=${low} <=${high}`;
  }
  if (PLAIN.test(q)) return `=${q}`;
  if ((q.startsWith('~') || q.startsWith('^')) && PLAIN.test(q.slice(1))) return q;
  throw new ClientError(400, 'version query must be 1.2.3, 1.2.3-2.1.0, ~1.2.0 or ^1.2.0');
}

/** True when `version` (a stored version string) satisfies the parsed range; non-semver versions never match. */
export function versionMatches(version: string, range: string): boolean {
  return semver.valid(version) !== null && semver.satisfies(version, range);
}

/** Versions assigned by the registry: 1.0.0 for the first, then 1.0.1, 1.0.2… on each PUT. */
export function assignedVersion(ordinal: number): string {
  return `1.0.${ordinal}`;
}

/**
 * The counter's version for the next row, skipping values already taken as a key or shown as a label (an upload
 * may have named `1.0.1` itself, or a Hugging Face tag may read `1.0.1`): keys must stay unique, and a counter
 * value equal to another version's label would make both answer to the same name.
 */
export function nextAssignedVersion(ordinal: number, taken: ReadonlySet<string>): string {
  let n = ordinal;
  while (taken.has(assignedVersion(n))) n += 1;
  return assignedVersion(n);
}

/** What a version key row says about its name: the key every service uses and the source's label, if any. */
export interface NamedVersion {
  version: string;
  versionLabel: string | null;
  ordinal: number;
}

/** The version a user recognises: the source's release label when it gave one, else the registry's key. */
export function shownVersion(v: Pick<NamedVersion, 'version' | 'versionLabel'>): string {
  return v.versionLabel ?? v.version;
}

/** An upload's optional `?version=`: absent → null (the counter decides), else a release version or a 400. */
export function parseRequestedVersion(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  const problem = releaseVersionProblem(raw);
  if (problem !== null) throw new ClientError(400, problem);
  return parseReleaseVersion(raw);
}

/**
 * Exact selection (`?version=` on downloads, the override path): the version shown as `wanted` (`v1.2.0` and
 * `1.2.0` alike), the latest one when two share a label; failing that, the version whose key it is, since keys
 * appear in events, the audit trail and the X-ModelGuard-Version header.
 */
export function pickExactVersion<T extends NamedVersion>(rows: readonly T[], wanted: string): T | null {
  const name = parseReleaseVersion(wanted) ?? wanted;
  const latest = (xs: T[]): T | null => xs.reduce<T | null>((best, x) => (best === null || x.ordinal > best.ordinal ? x : best), null);
  return latest(rows.filter((r) => shownVersion(r) === name)) ?? latest(rows.filter((r) => r.version === name || r.version === wanted));
}
