import { api, ApiError } from '../api/client';
import type { ArtifactMetadata, ArtifactType } from '../api/types';

/**
 * The gateway has no resumable-upload API (one POST carries the whole zip), so a failed upload is retried whole.
 * One case must not be retried: the connection broke after the registry had stored the package (the answer was
 * lost). The ids already registered under the name are noted before each attempt; an id that appeared during a
 * failed attempt is that upload. Undefined when the user may not search (the check is then skipped).
 */
export async function idsNamed(name: string, type: ArtifactType): Promise<Set<string> | undefined> {
  try {
    const { body } = await api<ArtifactMetadata[]>('GET', `/artifact/byName/${encodeURIComponent(name)}`);
    return new Set(body.filter((a) => a.type === type).map((a) => a.id));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return new Set();
    return undefined;
  }
}

/** The artifact a failed attempt created after all, if any (see idsNamed). */
export async function storedDespiteFailure(name: string, type: ArtifactType, before: Set<string> | undefined): Promise<string | undefined> {
  if (before === undefined) return undefined;
  const after = await idsNamed(name, type);
  return after === undefined ? undefined : [...after].find((id) => !before.has(id));
}
