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
