import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RequestActor } from '../auth/actor';
import { AllowDeploymentToken, CurrentActor, RequirePermission, type ActorRequest } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId } from '../domain/artifact-type';
import { AliasReadsService, type AliasArtifactView } from './alias-reads.service';
import { parseAliasName } from './release-policy';

/**
 * `{id}@{alias}` references (MLflow's `models:/name@champion`): `/artifacts/model/{id}@production` answers the
 * artifact at the version the alias points at, and `/artifacts/model/{id}@production/download` downloads it exactly
 * as `/artifacts/model/{id}/aliases/production/download` does (same service, permission and deployment-token
 * scope). Registered before the packages and CRUD controllers: their `/artifacts/{artifact_type}/{id}…` routes
 * would otherwise take `abc@production` as an id and refuse it as malformed.
 */
@Controller()
@UseGuards(AuthGuard)
export class AliasRefController {
  constructor(private readonly reads: AliasReadsService) {}

  @Get('artifacts/model/:id@:alias')
  @RequirePermission('search')
  describe(@Param('id') rawId: string, @Param('alias') rawAlias: string): Promise<AliasArtifactView> {
    return this.reads.describe(parseArtifactId(rawId), parseAliasName(rawAlias));
  }

  @Get('artifacts/model/:id@:alias/download')
  @RequirePermission('download')
  @AllowDeploymentToken()
  download(@Param('id') rawId: string, @Param('alias') rawAlias: string, @CurrentActor() actor: RequestActor, @Req() req: Request & ActorRequest, @Res() res: Response): Promise<void> {
    return this.reads.download(parseArtifactId(rawId), parseAliasName(rawAlias), actor, req, res);
  }
}
