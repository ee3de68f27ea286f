import { Topic } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import type { ArtifactEntity } from '../persistence/artifact.entity';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';
import { ReleaseGates } from './release-gates';
import { ReleaseAliasEntity, ReleaseAliasHistoryEntity, ReleaseRequestEntity, type AliasMoveKind } from './release.entities';
import type { AliasPolicy } from './release-policy';

export interface AliasMove {
  artifact: ArtifactEntity;
  alias: string;
  toVersion: string;
  /** The revision the move was decided against (a request's base); the move is refused if the alias moved since. */
  expectedRevision: number;
  kind: AliasMoveKind;
  actor: RequestActor;
  requestId: string | null;
  approvers: string[];
  policy: AliasPolicy;
  /** For a rollback: the history row it undoes (marked rolled back in the same transaction). */
  undoes?: ReleaseAliasHistoryEntity;
}

/** The alias moved since the decision was taken: the loser of a race, or a request overtaken by a rollback. */
export class StaleAliasError extends ClientError {
  constructor(alias: string) {
    super(409, `alias ${alias} moved since this was decided; make a new request`, {}, { code: 'alias_moved' }, 'refused');
  }
}

/**
 * Moves an alias inside the caller's transaction: locks the alias row, re-checks the gates on the target version,
 * compares the revision (exactly one of two racing moves wins, the other gets 409), then writes the alias row, its
 * history and the AliasMoved event together, so nothing of a move exists without the rest.
 */
@Injectable()
export class AliasMover {
  constructor(
    private readonly gates: ReleaseGates,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  /** The alias row, locked for this transaction; created (empty, revision 0) on first use. */
  async lockAlias(m: EntityManager, artifactId: string, alias: string): Promise<ReleaseAliasEntity> {
    const repo = m.getRepository(ReleaseAliasEntity);
    await repo.createQueryBuilder().insert().values({ artifactId, alias, version: null, revision: 0, updatedAt: new Date(this.clock.now()), updatedBy: null }).orIgnore().execute();
    return repo.createQueryBuilder('a').setLock('pessimistic_write').where('a.artifact_id = :artifactId AND a.alias = :alias', { artifactId, alias }).getOneOrFail();
  }

  async move(m: EntityManager, mv: AliasMove): Promise<ReleaseAliasEntity> {
    const row = await this.lockAlias(m, mv.artifact.id, mv.alias);
    if (row.revision !== mv.expectedRevision) throw new StaleAliasError(mv.alias);
    // Gates again, now: the verdicts may have changed since the request (a late scan, a rating, a deletion).
    await this.gates.check(m, mv.artifact.id, mv.toVersion, mv.policy);
    const now = new Date(this.clock.now());
    const fromVersion = row.version;
    const updated = await m
      .getRepository(ReleaseAliasEntity)
      .createQueryBuilder()
      .update()
      .set({ version: mv.toVersion, revision: () => 'revision + 1', updatedAt: now, updatedBy: mv.actor.name })
      .where('artifact_id = :id AND alias = :alias AND revision = :rev', { id: mv.artifact.id, alias: mv.alias, rev: mv.expectedRevision })
      .execute();
    // Belt and braces under the row lock: a conditional update that matched nothing lost a race.
    if (updated.affected !== 1) throw new StaleAliasError(mv.alias);
    const history = m.getRepository(ReleaseAliasHistoryEntity);
    if (mv.undoes) await history.update({ id: mv.undoes.id }, { rolledBack: true });
    await history.insert({
      artifactId: mv.artifact.id,
      alias: mv.alias,
      fromVersion,
      toVersion: mv.toVersion,
      kind: mv.kind,
      actor: mv.actor.name,
      requestId: mv.requestId,
      approvers: mv.approvers,
      rolledBack: false,
      at: now,
    });
    // Requests made against the old revision can never apply now: say so instead of leaving them pending.
    await m
      .getRepository(ReleaseRequestEntity)
      .createQueryBuilder()
      .update()
      .set({ state: 'superseded', decidedAt: now, decisionReason: `alias moved to ${mv.toVersion}` })
      .where("artifact_id = :id AND alias = :alias AND state = 'pending' AND base_revision <= :rev", { id: mv.artifact.id, alias: mv.alias, rev: mv.expectedRevision })
      .execute();
    await this.outbox.enqueue(
      m,
      Topic.AliasMoved,
      {
        artifactId: mv.artifact.id,
        artifactType: mv.artifact.type,
        name: mv.artifact.name,
        alias: mv.alias,
        fromVersion,
        toVersion: mv.toVersion,
        kind: mv.kind,
        requestId: mv.requestId,
        approvers: mv.approvers,
        actor: { name: mv.actor.name, isAdmin: mv.actor.isAdmin },
      },
      { key: mv.artifact.id },
    );
    return { ...row, version: mv.toVersion, revision: row.revision + 1, updatedAt: now, updatedBy: mv.actor.name };
  }

  /**
   * The emergency path: back to the version before the current one, i.e. the `from` of the newest promotion that
   * brought the alias to its current version and is not yet undone. Successive rollbacks walk further back.
   */
  async rollback(m: EntityManager, artifact: ArtifactEntity, alias: string, actor: RequestActor, policy: AliasPolicy): Promise<ReleaseAliasEntity> {
    const row = await this.lockAlias(m, artifact.id, alias);
    const last = row.version === null ? null : await m.getRepository(ReleaseAliasHistoryEntity).findOne({
      where: { artifactId: artifact.id, alias, kind: 'promotion', rolledBack: false, toVersion: row.version },
      order: { id: 'DESC' },
    });
    if (last === null || last.fromVersion === null) {
      throw new ClientError(409, `alias ${alias} has no previous version to roll back to`, {}, { code: 'no_history' });
    }
    return this.move(m, { artifact, alias, toVersion: last.fromVersion, expectedRevision: row.revision, kind: 'rollback', actor, requestId: null, approvers: [], policy, undoes: last });
  }
}
