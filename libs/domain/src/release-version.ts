import semver from 'semver';

/** Version keys are stored in varchar(64) columns by every service. */
export const RELEASE_VERSION_MAX_LENGTH = 64;

/**
 * Why a version written by a person or an upstream (`1.2.0`, `v1.2.0`, `2.0.0-rc.1`) is not a release version, or
 * null when it is one. Strict semver (no `=` or spaces, no leading zeros); build metadata (`1.2.0+abc`) is refused
 * because semver ignores it when comparing, so `1.2.0+a` and `1.2.0+b` could not both be told apart and ordered.
 */
export function releaseVersionProblem(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return 'version must be a non-empty string';
  const bare = raw.startsWith('v') ? raw.slice(1) : raw;
  if (bare.length > RELEASE_VERSION_MAX_LENGTH) return `version must be at most ${RELEASE_VERSION_MAX_LENGTH} characters`;
  if (bare.includes('+')) return 'version must not carry build metadata (+…)';
  if (semver.valid(bare) !== bare) return 'version must be semver: MAJOR.MINOR.PATCH with an optional -prerelease and leading "v"';
  return null;
}

/** The canonical form of a release version (`v1.2.0` → `1.2.0`), or null when it is not one. */
export function parseReleaseVersion(raw: unknown): string | null {
  if (releaseVersionProblem(raw) !== null) return null;
  const s = raw as string;
  return s.startsWith('v') ? s.slice(1) : s;
}

/** Semver order of two canonical release versions (negative, zero, positive). */
export function compareReleaseVersions(a: string, b: string): number {
  return semver.compare(a, b);
}
