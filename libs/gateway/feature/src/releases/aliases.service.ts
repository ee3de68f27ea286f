import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { AliasMover } from './alias-mover';
import { policyOf } from './release-policy';
import { assertMayRelease, ReleaseRequestsService } from './release-requests.service';
import { DeploymentPullEntity, ReleaseAliasEntity, ReleaseAliasHistoryEntity } from './release.entities';
import { aliasView, type AliasView } from './release-views';

const HISTORY_SHOWN = 100;

export interface DeploymentPullView {
  alias: string;
  version: string;
  token_id: string;
  actor: string;
  at: string;
}

/** Reading aliases and their history, the emergency rollback, and the record of deployment pulls. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    private readonly mover: AliasMover,
    private readonly requests: ReleaseRequestsService,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  async list(id: string): Promise<Array<Omit<AliasView, 'history'>>> {
    await this.artifacts.require(this.dataSource.manager, 'model', id);
    const rows = await this.dataSource.getRepository(ReleaseAliasEntity).find({ where: { artifactId: id }, order: { alias: 'ASC' } });
    return rows.map((a) => {
      const { history: _history, ...rest } = aliasView(a, []);
      return rest;
    });
  }

  async get(id: string, alias: string): Promise<AliasView> {
    await this.artifacts.require(this.dataSource.manager, 'model', id);
    const row = await this.dataSource.getRepository(ReleaseAliasEntity).findOneBy({ artifactId: id, alias });
    if (row === null) throw new ClientError(404, `model ${id} has no alias ${alias}`);
    const history = await this.dataSource.getRepository(ReleaseAliasHistoryEntity).find({ where: { artifactId: id, alias }, order: { id: 'DESC' }, take: HISTORY_SHOWN });
    return aliasView(row, history);
  }

  /** The version an alias points at now; 404 naming why when it has none: no such alias, or not promoted yet. */
  async resolve(id: string, alias: string): Promise<string> {
    const row = await this.dataSource.getRepository(ReleaseAliasEntity).findOneBy({ artifactId: id, alias });
    if (row === null) throw new ClientError(404, `model ${id} has no alias ${alias}`);
    if (row.version === null) throw new ClientError(404, `alias ${alias} of model ${id} points at no version yet (no promotion has been applied)`);
    return row.version;
  }

  /** Like `resolve`, for callers with their own "not found" answer (the Hugging Face mirror's revisions). */
  async find(id: string, alias: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(ReleaseAliasEntity).findOneBy({ artifactId: id, alias });
    return row?.version ?? null;
  }

  /** Emergency rollback: same authorisation as a request, no approval round; audited as a rollback (AliasMoved). */
  async rollback(id: string, alias: string, actor: RequestActor): Promise<AliasView> {
    await this.dataSource.transaction(async (m) => {
      // Locked like an update of the model: a rollback and a concurrent delete or promotion are serialised.
      const artifact = await this.artifacts.require(m, 'model', id, true);
      assertMayRelease(actor, artifact);
      await this.mover.rollback(m, artifact, alias, actor, policyOf(this.requests.settings, alias));
    });
    return this.get(id, alias);
  }

  async recordPull(id: string, alias: string, version: string, tokenId: string, actor: RequestActor): Promise<void> {
    await this.dataSource.getRepository(DeploymentPullEntity).insert({ artifactId: id, alias, version, tokenId, actor: actor.name, at: new Date(this.clock.now()) });
  }

  async pulls(id: string, alias: string, actor: RequestActor): Promise<DeploymentPullView[]> {
    assertMayRelease(actor, await this.artifacts.require(this.dataSource.manager, 'model', id));
    const rows = await this.dataSource.getRepository(DeploymentPullEntity).find({ where: { artifactId: id, alias }, order: { id: 'DESC' }, take: 500 });
    return rows.map((r) => ({ alias: r.alias, version: r.version, token_id: r.tokenId, actor: r.actor, at: r.at.toISOString() }));
  }
}
