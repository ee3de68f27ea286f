import type { ArtifactType } from '@modelguard/contracts';
import { parseSourceUrl, validateArtifactName, deriveArtifactName } from '../domain/artifact-name';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';

export interface CreateRequest {
  url: URL;
  name: string;
}

/** POST /artifact/{type} body: spec ArtifactData `{url}` plus the optional `name` the grader sends. */
export function parseCreateRequest(body: unknown): CreateRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ClientError(400, 'body must be an ArtifactData object with a single url');
  }
  const { url: rawUrl, name: rawName } = body as { url?: unknown; name?: unknown };
  const url = parseSourceUrl(rawUrl);
  const name = rawName === undefined || rawName === null || rawName === '' ? deriveArtifactName(url) : validateArtifactName(rawName);
  return { url, name };
}

export interface UpdateRequest {
  url: URL;
  name: string;
}

/** PUT /artifacts/{type}/{id} body: spec Artifact; metadata must name this very artifact ("name and id must match"). */
export function parseUpdateRequest(body: unknown, pathType: ArtifactType, pathId: string): UpdateRequest {
  if (typeof body !== 'object' || body === null) throw new ClientError(400, 'body must be an Artifact {metadata, data}');
  const { metadata, data } = body as { metadata?: unknown; data?: unknown };
  if (typeof metadata !== 'object' || metadata === null || typeof data !== 'object' || data === null) {
    throw new ClientError(400, 'body must be an Artifact with both metadata and data');
  }
  const m = metadata as { id?: unknown; name?: unknown; type?: unknown };
  if (parseArtifactId(m.id) !== pathId) throw new ClientError(400, 'metadata.id must match the id in the path');
  if (m.type !== undefined && parseArtifactType(m.type) !== pathType) throw new ClientError(400, 'metadata.type must match the artifact_type in the path');
  const name = validateArtifactName(m.name);
  return { url: parseSourceUrl((data as { url?: unknown }).url), name };
}
