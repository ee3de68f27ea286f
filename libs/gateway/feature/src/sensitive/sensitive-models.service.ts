import { Topic, type SensitivityChangedV1 } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import type { RequestActor } from '../auth/actor';
import { assertMayModifyArtifact } from '../auth/ownership';
import { ClientError } from '../domain/client-error';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import { SensitiveDownloadEntity } from '../persistence/sensitive-download.entity';
import { SensitiveModelEntity } from '../persistence/sensitive-model.entity';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { MAX_PROGRAM_BYTES, sensitiveDownloadView, sensitivityView, type SensitiveDownloadView, type SensitivityView } from './sensitivity-view';

/** How many history rows one call returns (newest first). */
const HISTORY_LIMIT = 1000;

/**
 * Marks models sensitive and keeps their zero-or-one monitor program (stored content-addressed in the blob store).
 * Every change is written with its SensitivityChanged event in one transaction (the audit trail's UPDATE entry).
 * Changing needs the model's owner or an admin; reading needs only the route's permission.
 */
@Injectable()
export class SensitiveModelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
  ) {}

  async state(id: string): Promise<SensitivityView> {
    await this.artifacts.require(this.dataSource.manager, 'model', id);
    return sensitivityView(id, await this.dataSource.getRepository(SensitiveModelEntity).findOneBy({ artifactId: id }));
  }

  /** Idempotent: marking a sensitive model again changes nothing and publishes nothing. */
  mark(id: string, actor: RequestActor): Promise<SensitivityView> {
    return this.change(id, actor, async (m, artifact, row) => {
      if (row !== null) return row;
      await m.getRepository(SensitiveModelEntity).insert({ artifactId: id, markedBy: actor.name, programSha256: null, programSize: null, programBy: null });
      await this.publish(m, artifact, actor, 'marked', null);
      return m.getRepository(SensitiveModelEntity).findOneByOrFail({ artifactId: id });
    });
  }

  /** Unmarking drops the program reference too (the blob stays: content-addressed, possibly shared). */
  unmark(id: string, actor: RequestActor): Promise<SensitivityView> {
    return this.change(id, actor, async (m, artifact, row) => {
      if (row === null) return null;
      await m.getRepository(SensitiveModelEntity).delete({ artifactId: id });
      await this.publish(m, artifact, actor, 'unmarked', null);
      return null;
    });
  }

  /** Attaches or replaces the program; a model that was not sensitive becomes sensitive. */
  async attachProgram(id: string, body: unknown, actor: RequestActor): Promise<SensitivityView> {
    const source = programSource(body);
    // Stored before the transaction: the blob is harmless if the transaction then fails (nothing points to it).
    const blob = await this.blobs.put(Readable.from([source]));
    return this.change(id, actor, async (m, artifact, row) => {
      const repo = m.getRepository(SensitiveModelEntity);
      const program = { programSha256: blob.sha256, programSize: blob.size, programBy: actor.name };
      if (row === null) await repo.insert({ artifactId: id, markedBy: actor.name, ...program });
      else await repo.update({ artifactId: id }, { ...program, updatedAt: new Date() });
      await this.publish(m, artifact, actor, 'program-attached', blob.sha256);
      return repo.findOneByOrFail({ artifactId: id });
    });
  }

  removeProgram(id: string, actor: RequestActor): Promise<SensitivityView> {
    return this.change(id, actor, async (m, artifact, row) => {
      if (row?.programSha256 == null) throw new ClientError(404, `model ${id} has no monitor program`);
      const repo = m.getRepository(SensitiveModelEntity);
      await repo.update({ artifactId: id }, { programSha256: null, programSize: null, programBy: actor.name, updatedAt: new Date() });
      await this.publish(m, artifact, actor, 'program-removed', null);
      return repo.findOneByOrFail({ artifactId: id });
    });
  }

  /** The program's source and digest, or 404 when the model has none. */
  async program(id: string): Promise<{ sha256: string; source: Readable }> {
    const row = await this.loadRow(id);
    if (row?.programSha256 == null) throw new ClientError(404, `model ${id} has no monitor program`);
    return { sha256: row.programSha256, source: await this.blobs.get(row.programSha256) };
  }

  /** Download attempts, newest first; only the model's owner or an admin may see who downloaded it. */
  async history(id: string, actor: RequestActor): Promise<SensitiveDownloadView[]> {
    const artifact = await this.artifacts.require(this.dataSource.manager, 'model', id);
    if (!actor.isAdmin && (artifact.owner === null || artifact.owner !== actor.name)) {
      throw new ClientError(403, "only the model's owner or an admin may read its download history", {}, {}, 'forbidden-ownership');
    }
    const rows = await this.dataSource.getRepository(SensitiveDownloadEntity).find({ where: { artifactId: id }, order: { attemptedAt: 'DESC' }, take: HISTORY_LIMIT });
    return rows.map(sensitiveDownloadView);
  }

  /** The sensitivity row of a model (null: not sensitive); used before every download. */
  loadRow(id: string): Promise<SensitiveModelEntity | null> {
    return this.dataSource.getRepository(SensitiveModelEntity).findOneBy({ artifactId: id });
  }

  private async change(
    id: string,
    actor: RequestActor,
    apply: (m: EntityManager, artifact: ArtifactEntity, row: SensitiveModelEntity | null) => Promise<SensitiveModelEntity | null>,
  ): Promise<SensitivityView> {
    return this.dataSource.transaction(async (m) => {
      // Locked: concurrent changes of one model's sensitivity apply one after another.
      const artifact = await this.artifacts.require(m, 'model', id, true);
      assertMayModifyArtifact(actor, artifact, 'update');
      const row = await m.getRepository(SensitiveModelEntity).findOneBy({ artifactId: id });
      return sensitivityView(id, await apply(m, artifact, row));
    });
  }

  private publish(m: EntityManager, a: ArtifactEntity, actor: RequestActor, change: SensitivityChangedV1['change'], sha256: string | null): Promise<void> {
    const payload = { artifactId: a.id, artifactType: a.type, name: a.name, change, programSha256: sha256, actor: { name: actor.name, isAdmin: actor.isAdmin } };
    return this.outbox.enqueue(m, Topic.SensitivityChanged, payload, { key: a.id });
  }
}

/** The program from `{ "source": "..." }`: non-empty JavaScript text of at most MAX_PROGRAM_BYTES. */
function programSource(body: unknown): Buffer {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['source'] : undefined;
  if (typeof source !== 'string' || source.trim().length === 0) throw new ClientError(400, 'body must be {"source": "<JavaScript program>"} with a non-empty source');
  const bytes = Buffer.from(source, 'utf8');
  if (bytes.length > MAX_PROGRAM_BYTES) throw new ClientError(400, `monitor program is ${bytes.length} bytes; at most ${MAX_PROGRAM_BYTES} are accepted`);
  return bytes;
}
