import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId } from '../domain/artifact-type';
import { AliasesService } from './aliases.service';
import { parseAliasName, parseRequestId } from './release-policy';
import { ReleaseRequestsService } from './release-requests.service';
import type { AliasView, ReleaseRequestView } from './release-views';

/**
 * Release aliases of a model (extension spec, "Releases"): read aliases and history, request a promotion, approve
 * or reject it, roll back. Who may approve is the alias's policy (release-policy.ts); the route permission is the
 * floor (admins pass every check).
 */
@Controller()
@UseGuards(AuthGuard)
export class ReleasesController {
  constructor(
    private readonly aliases: AliasesService,
    private readonly requests: ReleaseRequestsService,
  ) {}

  @Get('artifacts/model/:id/aliases')
  @RequirePermission('search')
  list(@Param('id') rawId: string): Promise<Array<Omit<AliasView, 'history'>>> {
    return this.aliases.list(parseArtifactId(rawId));
  }

  @Get('artifacts/model/:id/aliases/:alias')
  @RequirePermission('search')
  get(@Param('id') rawId: string, @Param('alias') alias: string): Promise<AliasView> {
    return this.aliases.get(parseArtifactId(rawId), parseAliasName(alias));
  }

  @Post('artifacts/model/:id/aliases/:alias/requests')
  @RequirePermission('upload')
  request(@Param('id') rawId: string, @Param('alias') alias: string, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<ReleaseRequestView> {
    return this.requests.create(parseArtifactId(rawId), parseAliasName(alias), body, actor);
  }

  @Post('artifacts/model/:id/aliases/:alias/rollback')
  @HttpCode(200)
  @RequirePermission('upload')
  rollback(@Param('id') rawId: string, @Param('alias') alias: string, @CurrentActor() actor: RequestActor): Promise<AliasView> {
    return this.aliases.rollback(parseArtifactId(rawId), parseAliasName(alias), actor);
  }

  @Get('artifacts/model/:id/release-requests')
  @RequirePermission('search')
  requestsOf(@Param('id') rawId: string, @Query('state') state: unknown): Promise<ReleaseRequestView[]> {
    return this.requests.list(parseArtifactId(rawId), state);
  }

  @Get('artifacts/model/:id/release-requests/:request_id')
  @RequirePermission('search')
  requestOf(@Param('id') rawId: string, @Param('request_id') requestId: string): Promise<ReleaseRequestView> {
    return this.requests.get(parseArtifactId(rawId), parseRequestId(requestId));
  }

  @Post('artifacts/model/:id/release-requests/:request_id/approve')
  @HttpCode(200)
  @RequirePermission('upload')
  approve(@Param('id') rawId: string, @Param('request_id') requestId: string, @CurrentActor() actor: RequestActor): Promise<ReleaseRequestView> {
    return this.requests.approve(parseArtifactId(rawId), parseRequestId(requestId), actor);
  }

  @Post('artifacts/model/:id/release-requests/:request_id/reject')
  @HttpCode(200)
  @RequirePermission('upload')
  reject(@Param('id') rawId: string, @Param('request_id') requestId: string, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<ReleaseRequestView> {
    return this.requests.reject(parseArtifactId(rawId), parseRequestId(requestId), body, actor);
  }
}
