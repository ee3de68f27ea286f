import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource, LessThan, type Repository } from 'typeorm';
import type { ArtifactView } from '../artifacts/artifact-view';
import type { RequestActor } from '../auth/actor';
import { parseArtifactType } from '../domain/artifact-type';
import { validateArtifactName } from '../domain/artifact-name';
import { ClientError } from '../domain/client-error';
import { isUuid } from '../domain/uuid';
import { parseRequestedVersion } from '../domain/version-query';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { UploadSessionEntity } from '../persistence/upload-session.entity';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { QuotaService } from '../quotas/quota.service';
import { writeChunk } from './upload-chunk';
import { UploadService } from './upload.service';

/** A session no chunk has touched for this long is abandoned; the janitor removes it and its spool file. */
export const UPLOAD_SESSION_IDLE_MS = 24 * 3_600_000;
/** Open sessions per user: each may hold up to the upload limit on the gateway's disk. */
export const MAX_OPEN_UPLOAD_SESSIONS = 8;

export interface UploadSessionView {
  id: string;
  type: string;
  name: string;
  version: string | null;
  total_bytes: number;
  offset: number;
  state: 'open' | 'completing' | 'completed';
  artifact_id: string | null;
  expires_at: string;
}

/**
 * Resumable uploads (issue 15, tus-like): a session declares its size, chunks are appended at the acknowledged
 * offset, and completing hands the spooled zip to the one-shot upload path. Sessions are their creator's alone: to
 * anyone else one does not exist (404, audited by the controller). The spool is this host's scratch directory, so a
 * session is resumed on the replica that holds it (sticky routing or a shared scratch volume).
 */
@Injectable()
export class UploadSessionsService {
  /** Sessions with a chunk being written in this process: a second concurrent chunk is refused, not interleaved. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly uploads: UploadService,
    private readonly quotas: QuotaService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  async create(body: unknown, actor: RequestActor): Promise<UploadSessionView> {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const type = parseArtifactType(input['type']);
    const name = validateArtifactName(input['name']);
    const version = parseRequestedVersion(input['version'] ?? undefined);
    const total = input['total_bytes'];
    if (typeof total !== 'number' || !Number.isSafeInteger(total) || total <= 0) throw new ClientError(400, 'total_bytes must be a positive integer');
    const max = this.settings.limits.maxUploadBytes;
    if (total > max) throw new ClientError(413, `package exceeds the upload limit of ${max} bytes`);
    await this.quotas.assertStorageNotFull(actor.name);
    const openCount = await this.repo().count({ where: { owner: actor.name, state: 'open' } });
    if (openCount >= MAX_OPEN_UPLOAD_SESSIONS) throw new ClientError(409, `you have ${openCount} open upload sessions; complete or delete one first`);
    const id = randomUUID();
    await this.ensureSpool(id);
    const row = this.repo().create({
      id, owner: actor.name, artifactType: type, name, version, totalBytes: String(total), receivedBytes: '0', state: 'open', artifactId: null, expiresAt: this.expiry(),
    });
    await this.repo().insert(row);
    return viewOf(row);
  }

  async status(rawId: string, actor: RequestActor): Promise<UploadSessionView> {
    return viewOf(await this.reconcile(await this.require(rawId, actor)));
  }

  /** Appends one chunk at `rawOffset`; answers the new offset. A mismatch is 409 carrying the offset to resume at. */
  async append(rawId: string, rawOffset: unknown, body: Readable, actor: RequestActor): Promise<UploadSessionView> {
    const session = await this.reconcile(await this.require(rawId, actor));
    const offset = parseOffset(rawOffset);
    assertOpen(session);
    const received = Number(session.receivedBytes);
    if (offset !== received) throw offsetConflict(`Upload-Offset ${offset} does not match the ${received} bytes received`, received);
    if (this.busy.has(session.id)) throw offsetConflict('another chunk for this session is still being received', received);
    this.busy.add(session.id);
    try {
      const { written } = await writeChunk(body, this.spoolOf(session.id), offset, Number(session.totalBytes) - offset);
      const next = offset + written;
      const moved = await this.repo().update({ id: session.id, receivedBytes: String(offset), state: 'open' }, { receivedBytes: String(next), expiresAt: this.expiry() });
      if (moved.affected !== 1) throw offsetConflict('the session changed while the chunk was received', received);
      return viewOf({ ...session, receivedBytes: String(next) });
    } finally {
      this.busy.delete(session.id);
    }
  }

  /** All bytes in: the zip goes through the one-shot path. A refusal there (quota, bad zip) leaves the session open. */
  async complete(rawId: string, actor: RequestActor): Promise<ArtifactView> {
    const session = await this.reconcile(await this.require(rawId, actor));
    assertOpen(session);
    const received = Number(session.receivedBytes);
    if (received !== Number(session.totalBytes)) throw offsetConflict(`only ${received} of ${session.totalBytes} bytes have been received`, received);
    // Claimed atomically: two concurrent completions cannot both register the package.
    const claimed = await this.repo().update({ id: session.id, state: 'open' }, { state: 'completing', expiresAt: this.expiry() });
    if (claimed.affected !== 1) throw new ClientError(409, 'this upload session is already being completed');
    const path = this.spoolOf(session.id);
    try {
      await truncate(path, received);
      const view = await this.uploads.createFromSpooledFile(parseArtifactType(session.artifactType), session.name, session.version ?? undefined, path, actor);
      await this.repo().update({ id: session.id }, { state: 'completed', artifactId: view.metadata.id, expiresAt: this.expiry() });
      await rm(path, { force: true });
      return view;
    } catch (error: unknown) {
      await this.repo().update({ id: session.id, state: 'completing' }, { state: 'open' });
      throw error;
    }
  }

  async abandon(rawId: string, actor: RequestActor): Promise<void> {
    const session = await this.require(rawId, actor);
    if (session.state === 'completing') throw new ClientError(409, 'this upload session is being completed');
    await this.repo().delete({ id: session.id });
    await rm(this.spoolOf(session.id), { force: true });
  }

  /** Removes sessions idle past their expiry, and their spool files; returns how many. Called by the janitor. */
  async expire(): Promise<number> {
    const now = new Date(this.clock.now());
    const gone = await this.repo().find({ where: { expiresAt: LessThan(now) }, select: { id: true } });
    let removed = 0;
    for (const s of gone) {
      const res = await this.repo().delete({ id: s.id, expiresAt: LessThan(now) });
      if (res.affected !== 1) continue;
      await rm(this.spoolOf(s.id), { force: true });
      removed += 1;
    }
    return removed;
  }

  private async require(rawId: string, actor: RequestActor): Promise<UploadSessionEntity> {
    const id = isUuid(rawId) ? rawId : null;
    const row = id === null ? null : await this.repo().findOneBy({ id });
    if (row === null) throw new ClientError(404, 'no such upload session');
    // Someone else's session is not even confirmed to exist; the refusal is audited (reason names it).
    if (row.owner !== actor.name) throw new ClientError(404, 'no such upload session', {}, {}, 'forbidden-ownership');
    return row;
  }

  /** The spool file is the truth for bytes: lost or short (scratch wiped, crash mid-write) moves the offset back. */
  private async reconcile(row: UploadSessionEntity): Promise<UploadSessionEntity> {
    if (row.state !== 'open') return row;
    const path = this.spoolOf(row.id);
    const size = await stat(path).then((s) => s.size, () => null);
    if (size === null) await this.ensureSpool(row.id);
    const onDisk = Math.min(size ?? 0, Number(row.totalBytes));
    if (onDisk >= Number(row.receivedBytes)) return row;
    await this.repo().update({ id: row.id, receivedBytes: row.receivedBytes }, { receivedBytes: String(onDisk) });
    return { ...row, receivedBytes: String(onDisk) };
  }

  /** Creates the session's spool file if it is missing; existing bytes are left alone. */
  private async ensureSpool(id: string): Promise<void> {
    await mkdir(this.settings.gateway.tmpDir, { recursive: true });
    await (await open(this.spoolOf(id), 'a')).close();
  }

  private spoolOf(id: string): string {
    return join(this.settings.gateway.tmpDir, `session-${id}.part`);
  }

  private expiry(): Date {
    return new Date(this.clock.now() + UPLOAD_SESSION_IDLE_MS);
  }

  private repo(): Repository<UploadSessionEntity> {
    return this.dataSource.getRepository(UploadSessionEntity);
  }
}

function parseOffset(raw: unknown): number {
  const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value)) throw new ClientError(400, 'Upload-Offset must be a non-negative integer');
  return value;
}

function assertOpen(row: UploadSessionEntity): void {
  if (row.state === 'completed') throw new ClientError(409, `this upload session is already completed (artifact ${row.artifactId ?? 'unknown'})`);
  if (row.state === 'completing') throw new ClientError(409, 'this upload session is being completed');
}

function offsetConflict(message: string, offset: number): ClientError {
  return new ClientError(409, message, { 'Upload-Offset': String(offset) }, { offset });
}

function viewOf(row: UploadSessionEntity): UploadSessionView {
  return {
    id: row.id, type: row.artifactType, name: row.name, version: row.version, total_bytes: Number(row.totalBytes), offset: Number(row.receivedBytes),
    state: row.state, artifact_id: row.artifactId, expires_at: row.expiresAt.toISOString(),
  };
}
