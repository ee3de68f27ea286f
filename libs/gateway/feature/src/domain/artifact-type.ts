import { ArtifactTypeSchema, type ArtifactType } from '@modelguard/contracts';
import { ClientError } from './client-error';

/** Parses a path/body artifact type; anything but model|dataset|code is a 400. */
export function parseArtifactType(raw: unknown): ArtifactType {
  const parsed = ArtifactTypeSchema.safeParse(raw);
  if (!parsed.success) throw new ClientError(400, `artifact_type must be one of model, dataset, code (got ${describe(raw)})`);
  return parsed.data;
}

const ID_PATTERN = /^[a-zA-Z0-9-]{1,64}$/;

/** Validates an artifact id against the spec's ArtifactID pattern (and a length bound). */
export function parseArtifactId(raw: unknown): string {
  if (typeof raw !== 'string' || !ID_PATTERN.test(raw)) {
    throw new ClientError(400, `artifact id must match ^[a-zA-Z0-9\\-]+$ (max 64 characters)`);
  }
  return raw;
}

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
}
