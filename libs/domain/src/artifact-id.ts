/** The spec's ArtifactID pattern. */
export const ARTIFACT_ID_PATTERN = /^[a-zA-Z0-9-]+$/;

/**
 * Upper bound on an id anywhere it crosses a service line. Ids the registry mints are 32 characters; the bound only
 * keeps a hostile id from bloating keys, logs and queries.
 */
export const ARTIFACT_ID_MAX_LENGTH = 128;

/** True for a string that matches the ArtifactID pattern and is at most `maxLength` characters long. */
export function isArtifactId(value: unknown, maxLength: number = ARTIFACT_ID_MAX_LENGTH): value is string {
  return typeof value === 'string' && value.length <= maxLength && ARTIFACT_ID_PATTERN.test(value);
}
