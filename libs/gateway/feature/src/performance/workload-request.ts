import { ClientError } from '../domain/client-error';
import { parseArtifactId } from '../domain/artifact-type';

/**
 * Bounds of an admin-triggered performance workload. The course's workload is 100 clients downloading one model from
 * a registry of 500; the caps leave room above it while keeping one request from turning the registry against itself
 * (every client holds a connection and a token; every download is a real, audited download).
 */
export const WORKLOAD_LIMITS = {
  maxClients: 200,
  maxDownloadsPerClient: 20,
  maxDownloads: 2000,
  maxRegistrySize: 1000,
} as const;

export interface WorkloadRequest {
  clients: number;
  downloadsPerClient: number;
  artifactId: string;
  /** Seed metadata-only models until the registry holds at least this many artifacts; null leaves it as it is. */
  registrySize: number | null;
}

const FIELDS = new Set(['clients', 'downloads_per_client', 'artifact_id', 'registry_size']);

/** `{"artifact_id": "...", "clients"?: 100, "downloads_per_client"?: 4, "registry_size"?: 500}`; anything else is a 400. */
export function parseWorkloadRequest(body: unknown): WorkloadRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ClientError(400, 'body must be a JSON object like {"artifact_id": "…", "clients": 100, "downloads_per_client": 4, "registry_size": 500}');
  }
  const b = body as Record<string, unknown>;
  const unknownKey = Object.keys(b).find((k) => !FIELDS.has(k));
  if (unknownKey !== undefined) throw new ClientError(400, `unknown field ${unknownKey.slice(0, 64)}; expected artifact_id, clients, downloads_per_client, registry_size`);
  if (b['artifact_id'] === undefined) throw new ClientError(400, 'artifact_id is required: the id of the model whose package the clients download');
  const clients = integerIn(b['clients'], 'clients', 1, WORKLOAD_LIMITS.maxClients, 100);
  const downloadsPerClient = integerIn(b['downloads_per_client'], 'downloads_per_client', 1, WORKLOAD_LIMITS.maxDownloadsPerClient, 4);
  if (clients * downloadsPerClient > WORKLOAD_LIMITS.maxDownloads) {
    throw new ClientError(400, `clients × downloads_per_client must be at most ${WORKLOAD_LIMITS.maxDownloads} (got ${clients * downloadsPerClient})`);
  }
  const registrySize = b['registry_size'] === undefined || b['registry_size'] === null ? null : integerIn(b['registry_size'], 'registry_size', 0, WORKLOAD_LIMITS.maxRegistrySize, 0);
  return { clients, downloadsPerClient, artifactId: parseArtifactId(b['artifact_id']), registrySize };
}

function integerIn(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ClientError(400, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}
