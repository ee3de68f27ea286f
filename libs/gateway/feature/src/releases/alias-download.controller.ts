import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RequestActor } from '../auth/actor';
import { AllowDeploymentToken, CurrentActor, RequirePermission, type ActorRequest } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { TokenService } from '../auth/token.service';
import { ArtifactService } from '../artifacts/artifact.service';
import { parseArtifactId } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { DataSource } from 'typeorm';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { AliasReadsService } from './alias-reads.service';
import { AliasesService, type DeploymentPullView } from './aliases.service';
import { parseAliasName } from './release-policy';
import { assertMayRelease } from './release-requests.service';

const DEFAULT_DEPLOYMENT_TTL_SECONDS = 30 * 24 * 3600;
const MAX_DEPLOYMENT_TTL_SECONDS = 365 * 24 * 3600;

/**
 * Fetching "whatever the alias points at now" (deployment tooling), and the alias-scoped deployment tokens that may
 * do only that. The download itself is AliasReadsService's (shared with `/artifacts/model/{id}@{alias}/download`):
 * the same gates as any download, and a fetch with a deployment token is also recorded as a deployment pull.
 */
@Controller()
@UseGuards(AuthGuard)
export class AliasDownloadController {
  constructor(
    private readonly aliases: AliasesService,
    private readonly reads: AliasReadsService,
    private readonly artifacts: ArtifactService,
    private readonly tokens: TokenService,
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  @Get('artifacts/model/:id/aliases/:alias/download')
  @RequirePermission('download')
  @AllowDeploymentToken()
  download(@Param('id') rawId: string, @Param('alias') rawAlias: string, @CurrentActor() actor: RequestActor, @Req() req: Request & ActorRequest, @Res() res: Response): Promise<void> {
    return this.reads.download(parseArtifactId(rawId), parseAliasName(rawAlias), actor, req, res);
  }

  /** An owner or admin mints a token that can only download this alias (revocable like any token of theirs). */
  @Post('artifacts/model/:id/aliases/:alias/deployment-tokens')
  @RequirePermission('upload')
  async mint(@Param('id') rawId: string, @Param('alias') rawAlias: string, @Body() body: unknown, @CurrentActor() actor: RequestActor, @Res({ passthrough: true }) res: Response): Promise<{ token: string; alias: string; artifact_id: string; expires_at: string }> {
    const id = parseArtifactId(rawId);
    const alias = parseAliasName(rawAlias);
    const ttl = ttlOf(body);
    assertMayRelease(actor, await this.artifacts.require(this.dataSource.manager, 'model', id));
    const token = await this.tokens.issue({ name: actor.name, isAdmin: false, permissions: ['download'] }, { artifactId: id, alias }, ttl);
    res.status(201);
    return { token, alias, artifact_id: id, expires_at: new Date(this.clock.now() + ttl * 1000).toISOString() };
  }

  @Get('artifacts/model/:id/aliases/:alias/deployment-pulls')
  @RequirePermission('upload')
  pulls(@Param('id') rawId: string, @Param('alias') rawAlias: string, @CurrentActor() actor: RequestActor): Promise<DeploymentPullView[]> {
    return this.aliases.pulls(parseArtifactId(rawId), parseAliasName(rawAlias), actor);
  }
}

function ttlOf(body: unknown): number {
  if (body === undefined || body === null) return DEFAULT_DEPLOYMENT_TTL_SECONDS;
  if (typeof body !== 'object' || Array.isArray(body)) throw new ClientError(400, 'body must be a JSON object {"ttl_seconds"?: number}');
  const raw = (body as Record<string, unknown>)['ttl_seconds'];
  if (raw === undefined) return DEFAULT_DEPLOYMENT_TTL_SECONDS;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 60 || raw > MAX_DEPLOYMENT_TTL_SECONDS) {
    throw new ClientError(400, `ttl_seconds must be an integer from 60 to ${MAX_DEPLOYMENT_TTL_SECONDS}`);
  }
  return raw;
}
