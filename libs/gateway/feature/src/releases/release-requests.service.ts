import { allows } from '@modelguard/domain';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { findVersion } from '../packages/version-lookup';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { AliasMover, StaleAliasError } from './alias-mover';
import { ReleaseAudit } from './release-audit';
import { ReleaseGates } from './release-gates';
import { policyOf, releaseSettingsFrom, type AliasPolicy, type ReleaseSettings } from './release-policy';
import { ReleaseApprovalEntity, ReleaseRequestEntity } from './release.entities';
import { requestView, type ReleaseRequestView } from './release-views';

/** Requesting a promotion (and rolling back) needs the model's owner or an admin, like changing the model. */
export function assertMayRelease(actor: RequestActor, artifact: ArtifactEntity): void {
  if (actor.isAdmin || (artifact.owner !== null && artifact.owner === actor.name && allows(actor, 'upload'))) return;
  throw new ClientError(403, "only the model's owner (with upload permission) or an admin may request or roll back a release", {}, {}, 'forbidden-ownership');
}

function assertMayApprove(actor: RequestActor, policy: AliasPolicy, alias: string): void {
  if (actor.isAdmin || (policy.approverPermission === 'upload' && allows(actor, 'upload'))) return;
  throw new ClientError(403, `approving a promotion to ${alias} needs the "${policy.approverPermission}" permission`, {}, { code: 'not_an_approver' }, 'forbidden-permission');
}

type Decided = { outcome: 'done'; view: ReleaseRequestView } | { outcome: 'refused'; error: ClientError };

/**
 * Promotion requests and their approvals (issue 17.2). A request names a version for an alias; the gates are checked
 * when it is made and again when the last approval moves the alias (alias-mover.ts). Expiry and supersession are
 * written even when the call is refused (they are facts, not half-applied changes), hence `Decided`.
 */
@Injectable()
export class ReleaseRequestsService {
  readonly settings: ReleaseSettings;

  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    private readonly gates: ReleaseGates,
    private readonly mover: AliasMover,
    private readonly audit: ReleaseAudit,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_SETTINGS) gatewaySettings: GatewaySettings,
  ) {
    this.settings = releaseSettingsFrom(gatewaySettings.gateway.releases);
  }

  async create(id: string, alias: string, body: unknown, actor: RequestActor): Promise<ReleaseRequestView> {
    const { version: rawVersion, note } = parseRequestBody(body);
    const artifact = await this.artifacts.require(this.dataSource.manager, 'model', id);
    assertMayRelease(actor, artifact);
    const version = await findVersion(this.dataSource.manager, id, rawVersion);
    if (version === null) throw new ClientError(404, `${artifact.name} has no version ${rawVersion}`);
    const policy = policyOf(this.settings, alias);
    return this.dataSource.transaction(async (m) => {
      const locked = await this.artifacts.require(m, 'model', id, true);
      const row = await this.mover.lockAlias(m, id, alias);
      if (row.version === version.version) throw new ClientError(409, `alias ${alias} already points at ${version.version}`, {}, { code: 'already_current' });
      // Gates at request time: a version that cannot be promoted is refused now, not after the approvers' work.
      await this.gates.check(m, id, version.version, policy);
      const now = this.clock.now();
      const request = {
        id: randomUUID(),
        artifactId: id,
        alias,
        version: version.version,
        requestedBy: actor.name,
        state: 'pending' as const,
        baseRevision: row.revision,
        note,
        createdAt: new Date(now),
        expiresAt: new Date(now + this.settings.requestTtlSeconds * 1000),
        decidedAt: null,
        decidedBy: null,
        decisionReason: null,
      };
      await m.getRepository(ReleaseRequestEntity).insert(request);
      await this.audit.requested(m, actor, locked, request, policy.approvals);
      return requestView(request, [], policy.approvals);
    });
  }

  async list(id: string, state: unknown): Promise<ReleaseRequestView[]> {
    if (state !== undefined && (typeof state !== 'string' || !['pending', 'applied', 'rejected', 'expired', 'superseded'].includes(state))) {
      throw new ClientError(400, 'state must be one of pending, applied, rejected, expired, superseded');
    }
    await this.artifacts.require(this.dataSource.manager, 'model', id);
    await this.expireDue(id);
    const rows = await this.dataSource.getRepository(ReleaseRequestEntity).find({
      where: { artifactId: id, ...(state === undefined ? {} : { state: state as ReleaseRequestEntity['state'] }) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return Promise.all(rows.map(async (r) => this.viewOf(this.dataSource.manager, r)));
  }

  async get(id: string, requestId: string): Promise<ReleaseRequestView> {
    await this.expireDue(id);
    return this.viewOf(this.dataSource.manager, await this.requireRequest(this.dataSource.manager, id, requestId, false));
  }

  /** One approval; the approval that reaches the policy's count moves the alias in the same transaction. */
  async approve(id: string, requestId: string, actor: RequestActor): Promise<ReleaseRequestView> {
    const decided = await this.dataSource.transaction(async (m): Promise<Decided> => {
      // Artifact first, then request, then alias (alias-mover.ts): the lock order of every release path and of a
      // delete, so a concurrent delete or rollback waits instead of deadlocking.
      const artifact = await this.artifacts.require(m, 'model', id, true);
      const request = await this.requireRequest(m, id, requestId, true);
      const policy = policyOf(this.settings, request.alias);
      const closed = await this.refuseIfClosed(m, artifact, request);
      if (closed !== null) return closed;
      if (request.requestedBy === actor.name) throw new ClientError(403, 'the requester cannot approve their own request', {}, { code: 'own_request' }, 'forbidden');
      assertMayApprove(actor, policy, request.alias);
      const approvals = m.getRepository(ReleaseApprovalEntity);
      if ((await approvals.countBy({ requestId, approver: actor.name })) > 0) {
        throw new ClientError(409, `${actor.name} has already approved this request`, {}, { code: 'already_approved' }, 'refused');
      }
      const now = new Date(this.clock.now());
      await approvals.insert({ requestId, approver: actor.name, at: now });
      const all = await approvals.find({ where: { requestId }, order: { at: 'ASC' } });
      // Before the move: a gate refusal rolls the approval and its entry back together; a lost race keeps both.
      await this.audit.approved(m, actor, artifact, request, all.length, policy.approvals);
      if (all.length < policy.approvals) return { outcome: 'done', view: requestView(request, all, policy.approvals) };
      const approvers = all.map((a) => a.approver);
      try {
        await this.mover.move(m, { artifact, alias: request.alias, toVersion: request.version, expectedRevision: request.baseRevision, kind: 'promotion', actor, requestId, approvers, policy });
      } catch (error: unknown) {
        if (!(error instanceof StaleAliasError)) throw error;
        // Lost the race (or overtaken by a rollback): this request can never apply; record that, then refuse.
        await m.getRepository(ReleaseRequestEntity).update({ id: requestId }, { state: 'superseded', decidedAt: now, decisionReason: 'the alias moved before the last approval' });
        return { outcome: 'refused', error };
      }
      const applied = { ...request, state: 'applied' as const, decidedAt: now, decidedBy: actor.name, decisionReason: null };
      await m.getRepository(ReleaseRequestEntity).update({ id: requestId }, { state: 'applied', decidedAt: now, decidedBy: actor.name });
      return { outcome: 'done', view: requestView(applied, all, policy.approvals) };
    });
    if (decided.outcome === 'refused') throw decided.error;
    return decided.view;
  }

  /** An eligible approver declines it, or the requester withdraws it. */
  async reject(id: string, requestId: string, body: unknown, actor: RequestActor): Promise<ReleaseRequestView> {
    const reason = parseReason(body);
    const decided = await this.dataSource.transaction(async (m): Promise<Decided> => {
      // Artifact first, then request: the lock order of approve (above) and of every other release path.
      const artifact = await this.artifacts.require(m, 'model', id, true);
      const request = await this.requireRequest(m, id, requestId, true);
      const policy = policyOf(this.settings, request.alias);
      const closed = await this.refuseIfClosed(m, artifact, request);
      if (closed !== null) return closed;
      if (request.requestedBy !== actor.name) assertMayApprove(actor, policy, request.alias);
      const now = new Date(this.clock.now());
      const rejected = { ...request, state: 'rejected' as const, decidedAt: now, decidedBy: actor.name, decisionReason: reason };
      await m.getRepository(ReleaseRequestEntity).update({ id: requestId }, { state: 'rejected', decidedAt: now, decidedBy: actor.name, decisionReason: reason });
      await this.audit.rejected(m, actor, artifact, request, reason);
      return { outcome: 'done', view: await this.viewOf(m, rejected) };
    });
    if (decided.outcome === 'refused') throw decided.error;
    return decided.view;
  }

  /**
   * 409 for a request no longer pending; an expired one is marked so, with its RELEASE_EXPIRE entry (committed),
   * before the refusal. The request row is locked, so this and expireDue cannot both see it pending.
   */
  private async refuseIfClosed(m: EntityManager, artifact: ArtifactEntity, request: ReleaseRequestEntity): Promise<Decided | null> {
    if (request.state === 'pending' && request.expiresAt.getTime() <= this.clock.now()) {
      await m.getRepository(ReleaseRequestEntity).update({ id: request.id }, { state: 'expired', decidedAt: new Date(this.clock.now()) });
      await this.audit.expired(m, artifact, request);
      return { outcome: 'refused', error: new ClientError(409, `request ${request.id} expired at ${request.expiresAt.toISOString()}`, {}, { code: 'request_expired' }, 'refused') };
    }
    if (request.state !== 'pending') {
      return { outcome: 'refused', error: new ClientError(409, `request ${request.id} is ${request.state}, not pending`, {}, { code: `request_${request.state}` }, 'refused') };
    }
    return null;
  }

  /**
   * Expiry is lazy (on read, and on approve or reject): the model's overdue pending requests become expired, each
   * with its RELEASE_EXPIRE entry in the same transaction. Exactly once per request: a concurrent UPDATE waits on
   * the row lock, re-checks `state = 'pending'` and skips the row, so only the transition that happened RETURNs it.
   */
  private async expireDue(artifactId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const now = new Date(this.clock.now());
      const result = await m
        .getRepository(ReleaseRequestEntity)
        .createQueryBuilder()
        .update()
        .set({ state: 'expired', decidedAt: now })
        .where("artifact_id = :artifactId AND state = 'pending' AND expires_at <= :now", { artifactId, now })
        .returning('id, alias, version, requested_by, expires_at')
        .execute();
      const rows = result.raw as Array<{ id: string; alias: string; version: string; requested_by: string; expires_at: Date }>;
      if (rows.length === 0) return;
      const artifact = await this.artifacts.require(m, 'model', artifactId);
      for (const r of rows) await this.audit.expired(m, artifact, { id: r.id, alias: r.alias, version: r.version, requestedBy: r.requested_by, expiresAt: new Date(r.expires_at) });
    });
  }

  private async requireRequest(m: EntityManager, artifactId: string, requestId: string, lock: boolean): Promise<ReleaseRequestEntity> {
    const qb = m.getRepository(ReleaseRequestEntity).createQueryBuilder('r').where('r.id = :requestId AND r.artifact_id = :artifactId', { requestId, artifactId });
    const found = await (lock ? qb.setLock('pessimistic_write') : qb).getOne();
    if (found === null) throw new ClientError(404, `model ${artifactId} has no release request ${requestId}`);
    return found;
  }

  private async viewOf(m: EntityManager, r: ReleaseRequestEntity): Promise<ReleaseRequestView> {
    const approvals = await m.getRepository(ReleaseApprovalEntity).find({ where: { requestId: r.id }, order: { at: 'ASC' } });
    return requestView(r, approvals, policyOf(this.settings, r.alias).approvals);
  }
}

function parseRequestBody(body: unknown): { version: string; note: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ClientError(400, 'body must be a JSON object {"version": "...", "note"?: "..."}');
  const { version, note } = body as Record<string, unknown>;
  if (typeof version !== 'string' || version.length === 0 || version.length > 64) throw new ClientError(400, 'version must be a version string (1 to 64 characters)');
  if (note !== undefined && (typeof note !== 'string' || note.length > 1000)) throw new ClientError(400, 'note must be a string of at most 1000 characters');
  return { version, note: note ?? null };
}

function parseReason(body: unknown): string | null {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && (body as Record<string, unknown>)['reason'] === undefined)) return null;
  const reason = typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['reason'] : undefined;
  if (typeof reason !== 'string' || reason.length > 1000) throw new ClientError(400, 'reason must be a string of at most 1000 characters');
  return reason;
}
