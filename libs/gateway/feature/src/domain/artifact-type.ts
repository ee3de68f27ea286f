import { isArtifactId, isArtifactType, type ArtifactType } from '@modelguard/domain';
import { ClientError } from './client-error';

/** Parses a path/body artifact type; anything but model|dataset|code is a 400. */
export function parseArtifactType(raw: unknown): ArtifactType {
  if (!isArtifactType(raw)) throw new ClientError(400, `artifact_type must be one of model, dataset, code (got ${describe(raw)})`);
  return raw;
}

/** Ids in request paths: the gateway mints 32-character ids, so a tighter bound than the contracts' one is safe. */
const PATH_ID_MAX_LENGTH = 64;

/** Validates an artifact id against the spec's ArtifactID pattern (and a length bound). */
export function parseArtifactId(raw: unknown): string {
  if (!isArtifactId(raw, PATH_ID_MAX_LENGTH)) {
    throw new ClientError(400, `artifact id must match ^[a-zA-Z0-9\\-]+$ (max 64 characters)`);
  }
  return raw;
}

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
}
