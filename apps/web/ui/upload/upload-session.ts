import { api } from '../api/client';
import type { Artifact, ArtifactType } from '../api/types';
import { sendBody } from './send';

/** Bytes per PATCH: a dropped connection costs at most this much, and one chunk is held in memory at a time. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** The gateway's resumable upload session (openapi/modelguard-extensions.openapi.yaml, /upload-sessions). */
export interface UploadSession {
  id: string;
  offset: number;
  total_bytes: number;
  state: 'open' | 'completing' | 'completed';
  artifact_id: string | null;
}

export async function openSession(type: ArtifactType, name: string, version: string, totalBytes: number): Promise<UploadSession> {
  const body = { type, name, total_bytes: totalBytes, ...(version ? { version } : {}) };
  return (await api<UploadSession>('POST', '/upload-sessions', body)).body;
}

/** How far the registry got: where a resumed upload continues. */
export async function sessionStatus(id: string): Promise<UploadSession> {
  return (await api<UploadSession>('GET', `/upload-sessions/${id}`)).body;
}

/** Best effort: an abandoned session would otherwise wait a day for the janitor. */
export function abandonSession(id: string): void {
  void api('DELETE', `/upload-sessions/${id}`).catch(() => undefined);
}

export async function completeSession(id: string): Promise<Artifact> {
  return (await api<Artifact>('POST', `/upload-sessions/${id}/complete`)).body;
}

/**
 * Sends `file` from `offset` to its end in CHUNK_BYTES pieces. `onAcknowledged` gets each offset the registry
 * confirmed; `onSent` the bytes sent so far (including the chunk in flight), for the rate and time-left figures.
 */
export async function sendFrom(
  id: string,
  file: Blob,
  offset: number,
  onAcknowledged: (offset: number) => void,
  onSent: (sent: number) => void,
  signal: AbortSignal,
): Promise<void> {
  let at = offset;
  while (at < file.size) {
    const end = Math.min(file.size, at + CHUNK_BYTES);
    // An ArrayBuffer rather than a File slice: read once here, so a file changed on disk fails now, not mid-request.
    const chunk = await file.slice(at, end).arrayBuffer();
    const start = at;
    const answer = (await sendBody('PATCH', `/upload-sessions/${id}`, chunk, { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(start) }, (sent) => onSent(start + sent), signal)) as UploadSession;
    at = answer.offset;
    onAcknowledged(at);
  }
}
