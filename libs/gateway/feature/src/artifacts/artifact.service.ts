import { Topic, type ArtifactType } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { assertMayModifyArtifact } from '../auth/ownership';
import { newArtifactId } from '../domain/artifact-id';
import { ClientError } from '../domain/client-error';
import { assignedVersion } from '../domain/version-query';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { nextCounterVersion } from '../packages/version-lookup';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { QuotaService } from '../quotas/quota.service';
import { parseCreateRequest, parseUpdateRequest } from './artifact-request';
import { artifactView, type ArtifactView } from './artifact-view';
import { IngestWaiter } from './ingest-waiter';
import { assertAllowedSourceHost } from './source-host';

/** How a create made on a user's behalf differs (the HF mirror's pull-through: no owner, its own wait). */
export interface CreateOptions {
  /** Who may update/delete it besides admins; default the actor. null: admins only. */
  owner?: string | null;
  /** How long to wait for ingestion; default gateway.ingestWaitMs. */
  waitMs?: number;
}

export interface WriteResult {
  /** true when ingestion finished within the wait (201/200), false when still running (202). */
  completed: boolean;
  artifact: ArtifactView;
}

/** Registry writes (create / new version / delete) and reads by id. Every write and its events share one transaction. */
@Injectable()
export class ArtifactService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly waiter: IngestWaiter,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly quotas: QuotaService,
  ) {}

  async create(type: ArtifactType, body: unknown, actor: RequestActor, opts: CreateOptions = {}): Promise<WriteResult> {
    const { url, name } = parseCreateRequest(body);
    assertAllowedSourceHost(url, this.settings.upstream.allowPrivateNetworks);
    const id = newArtifactId();
    const version = assignedVersion(0);
    const href = url.toString();
    const owner = opts.owner === undefined ? actor.name : opts.owner;
    // An ingest's size is known only once stored (then it counts, quotas/quota.service.ts): refuse a user already full.
    // The mirror's pull-through (no owner) is a shared cache, charged to nobody.
    if (owner !== null) {
      await this.quotas.takeUploadSlot(actor.name);
      await this.quotas.assertStorageNotFull(owner);
    }
    const artifact = await this.writeTx(async (m) => {
      const row = m.getRepository(ArtifactEntity).create({ id, type, name, url: href, latestVersion: version, readme: null, owner });
      await m.getRepository(ArtifactEntity).insert(row);
      await m.getRepository(ArtifactVersionEntity).insert(newVersionRow(id, version, 0, href));
      const ref = { artifactId: id, artifactType: type, name };
      const who = { name: actor.name, isAdmin: actor.isAdmin };
      await this.outbox.enqueue(m, Topic.ArtifactCreated, { ...ref, url: href, version, actor: who }, { key: id });
      // Every source goes to ingest: HF/GitHub are mirrored, other hosts become metadata-only packages there.
      await this.outbox.enqueue(m, Topic.IngestRequested, { ...ref, url: href, version, actor: who }, { key: id });
      return row;
    }, 409, 'an artifact of this type with this url already exists');
    const outcome = await this.waiter.wait(id, version, opts.waitMs);
    if (outcome.state === 'failed' || outcome.state === 'rejected') {
      await this.dropFailedCreate(artifact, actor);
      const details = outcome.state === 'rejected' ? { failing_metrics: outcome.failures } : {};
      throw new ClientError(424, `artifact was not registered: ${outcome.reason}`, {}, details, outcome.state === 'rejected' ? 'rating-gate' : undefined);
    }
    return { completed: outcome.state === 'stored', artifact: artifactView(artifact, this.settings.http.publicUrl) };
  }

  async get(type: ArtifactType, id: string): Promise<ArtifactView> {
    return artifactView(await this.require(this.dataSource.manager, type, id), this.settings.http.publicUrl);
  }

  /** Stores the new source as a new immutable version; older versions stay downloadable by version. */
  async update(type: ArtifactType, id: string, body: unknown, actor: RequestActor): Promise<WriteResult> {
    const req = parseUpdateRequest(body, type, id);
    assertAllowedSourceHost(req.url, this.settings.upstream.allowPrivateNetworks);
    const href = req.url.toString();
    await this.quotas.takeUploadSlot(actor.name);
    const { artifact, version } = await this.writeTx(async (m) => {
      const current = await this.require(m, type, id, true);
      assertMayModifyArtifact(actor, current, 'update');
      if (current.owner !== null) await this.quotas.assertStorageRoom(m, current.owner, 0);
      if (current.name !== req.name) throw new ClientError(400, 'metadata.name must match the name of this artifact');
      const last = await m.getRepository(ArtifactVersionEntity).maximum('ordinal', { artifactId: id });
      const ordinal = (last ?? -1) + 1;
      // Past any version an upload named itself (packages/version-lookup.ts).
      const v = await nextCounterVersion(m, id, ordinal);
      await m.getRepository(ArtifactVersionEntity).insert(newVersionRow(id, v, ordinal, href));
      await m.getRepository(ArtifactEntity).update({ id }, { url: href, latestVersion: v });
      const ref = { artifactId: id, artifactType: type, name: current.name };
      const who = { name: actor.name, isAdmin: actor.isAdmin };
      await this.outbox.enqueue(m, Topic.ArtifactUpdated, { ...ref, url: href, version: v, actor: who }, { key: id });
      await this.outbox.enqueue(m, Topic.IngestRequested, { ...ref, url: href, version: v, actor: who }, { key: id });
      return { artifact: { ...current, url: href, latestVersion: v }, version: v };
    }, 400, 'this url is already registered by another artifact of this type');
    const outcome = await this.waiter.wait(id, version);
    if (outcome.state === 'failed') throw new ClientError(400, `the new content could not be ingested (${outcome.reason}); the previous version is kept`);
    if (outcome.state === 'rejected') {
      // The spec lists no 424 for PUT: the new version is refused as invalid content and the previous one stays current.
      throw new ClientError(400, `the new version was not registered: ${outcome.reason}; the previous version is kept`, {}, { failing_metrics: outcome.failures });
    }
    return { completed: outcome.state === 'stored', artifact: artifactView(artifact, this.settings.http.publicUrl) };
  }

  async delete(type: ArtifactType, id: string, actor: RequestActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const current = await this.require(m, type, id, true);
      assertMayModifyArtifact(actor, current, 'delete');
      await m.getRepository(ArtifactEntity).delete({ id });
      await this.outbox.enqueue(
        m,
        Topic.ArtifactDeleted,
        { artifactId: id, artifactType: type, name: current.name, actor: { name: actor.name, isAdmin: actor.isAdmin } },
        { key: id },
      );
    });
  }

  /** Loads an artifact or answers 404; `lock` serialises concurrent PUT/DELETE on the same artifact. */
  async require(m: EntityManager, type: ArtifactType, id: string, lock = false): Promise<ArtifactEntity> {
    const qb = m.getRepository(ArtifactEntity).createQueryBuilder('a').where('a.id = :id AND a.type = :type', { id, type });
    const found = await (lock ? qb.setLock('pessimistic_write') : qb).getOne();
    if (found === null) throw new ClientError(404, `no ${type} artifact with id ${id}`);
    return found;
  }

  /** Ingestion failed for good during the create wait: the spec's 424 means "not registered", so remove it again. */
  private async dropFailedCreate(artifact: ArtifactEntity, actor: RequestActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const { affected } = await m.getRepository(ArtifactEntity).delete({ id: artifact.id });
      if (!affected) return;
      const payload = { artifactId: artifact.id, artifactType: artifact.type, name: artifact.name, actor: { name: actor.name, isAdmin: actor.isAdmin } };
      await this.outbox.enqueue(m, Topic.ArtifactDeleted, payload, { key: artifact.id });
    });
  }

  /** Runs a write transaction, mapping a unique-constraint violation to the given client error. */
  private async writeTx<T>(fn: (m: EntityManager) => Promise<T>, conflictStatus: number, conflictMessage: string): Promise<T> {
    try {
      return await this.dataSource.transaction(fn);
    } catch (error: unknown) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ClientError(conflictStatus, conflictMessage);
      }
      throw error;
    }
  }
}

function newVersionRow(artifactId: string, version: string, ordinal: number, url: string): Partial<ArtifactVersionEntity> {
  return { artifactId, version, ordinal, url, source: null, ingestState: 'ingesting', ingestError: null, scanState: 'pending', files: [], totalBytes: '0' };
}
