export const ARTIFACT_NAME_MAX_LENGTH = 255;

/** The name a query uses to enumerate every artifact; no artifact may be called this. */
export const ENUMERATE_ALL_NAME = '*';

/**
 * Why a client-supplied artifact name is unacceptable, or null when it is fine. Names may contain '/', but never
 * traversal segments, control characters or non-keyboard characters (the spec says "typical keyboard characters"),
 * because names end up in URLs, file names of downloads and log lines.
 */
export function artifactNameProblem(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0) return 'name must be a non-empty string';
  if (raw.length > ARTIFACT_NAME_MAX_LENGTH) return `name must be at most ${ARTIFACT_NAME_MAX_LENGTH} characters`;
  if (raw === ENUMERATE_ALL_NAME) return `the name "${ENUMERATE_ALL_NAME}" is reserved for enumerating all artifacts`;
  if (!/^[\x20-\x7e]+$/.test(raw)) return 'name may only contain printable keyboard (ASCII) characters';
  if (raw.startsWith('/') || raw.split('/').some((seg) => seg === '..' || seg === '.')) {
    return 'name must not contain path traversal segments';
  }
  return null;
}

export function isArtifactName(raw: unknown): raw is string {
  return artifactNameProblem(raw) === null;
}
