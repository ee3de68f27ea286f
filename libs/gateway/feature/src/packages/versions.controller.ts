import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { VersionsService, type VersionView } from './versions.service';

@Controller()
@UseGuards(AuthGuard)
export class VersionsController {
  constructor(private readonly versions: VersionsService) {}

  /** ?query= accepts 1.2.3, 1.2.3-2.1.0, ~1.2.0, ^1.2.0 (npm semver meaning). */
  @Get('artifacts/:artifact_type/:id/versions')
  @RequirePermission('search')
  list(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @Query('query') query: unknown): Promise<VersionView[]> {
    return this.versions.list(parseArtifactType(rawType), parseArtifactId(rawId), query);
  }

  @Post('artifacts/:artifact_type/:id/versions/:version/override')
  @HttpCode(200)
  @RequirePermission('admin')
  override(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @CurrentActor() actor: RequestActor,
  ): Promise<VersionView> {
    if (!/^[0-9A-Za-z.+-]{1,64}$/.test(version)) throw new ClientError(400, 'version is not a valid version string');
    return this.versions.override(parseArtifactType(rawType), parseArtifactId(rawId), version, body, actor);
  }
}
