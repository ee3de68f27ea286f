import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ArtifactService } from './artifact.service';
import type { ArtifactView } from './artifact-view';

/** Spec CRUD: create is singular `/artifact/{type}`, the rest plural `/artifacts/{type}/{id}` — exactly as written. */
@Controller()
@UseGuards(AuthGuard)
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactService) {}

  @Post('artifact/:artifact_type')
  @RequirePermission('upload')
  async create(
    @Param('artifact_type') rawType: string,
    @Body() body: unknown,
    @CurrentActor() actor: RequestActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArtifactView> {
    const result = await this.artifacts.create(parseArtifactType(rawType), body, actor);
    res.status(result.completed ? 201 : 202);
    return result.artifact;
  }

  @Get('artifacts/:artifact_type/:id')
  @RequirePermission('search')
  get(@Param('artifact_type') rawType: string, @Param('id') rawId: string): Promise<ArtifactView> {
    return this.artifacts.get(parseArtifactType(rawType), parseArtifactId(rawId));
  }

  @Put('artifacts/:artifact_type/:id')
  @RequirePermission('upload')
  async update(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Body() body: unknown,
    @CurrentActor() actor: RequestActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArtifactView> {
    const result = await this.artifacts.update(parseArtifactType(rawType), parseArtifactId(rawId), body, actor);
    res.status(result.completed ? 200 : 202);
    return result.artifact;
  }

  @Delete('artifacts/:artifact_type/:id')
  @HttpCode(200)
  @RequirePermission('upload')
  async remove(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @CurrentActor() actor: RequestActor): Promise<void> {
    await this.artifacts.delete(parseArtifactType(rawType), parseArtifactId(rawId), actor);
  }
}
