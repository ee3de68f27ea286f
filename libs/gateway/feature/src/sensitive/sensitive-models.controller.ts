import { Body, Controller, Delete, Get, Param, Put, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId } from '../domain/artifact-type';
import { SensitiveModelsService } from './sensitive-models.service';
import type { SensitiveDownloadView, SensitivityView } from './sensitivity-view';

/**
 * Extension endpoints for sensitive models (openapi/modelguard-extensions.openapi.yaml, tag "sensitive"). Changing
 * needs `upload` plus ownership of the model (or admin); reading the state and the program needs `search`; the
 * download history names who downloaded, so it needs `search` plus ownership (or admin).
 */
@Controller('artifacts/model/:id')
@UseGuards(AuthGuard)
export class SensitiveModelsController {
  constructor(private readonly sensitive: SensitiveModelsService) {}

  @Get('sensitive')
  @RequirePermission('search')
  state(@Param('id') id: string): Promise<SensitivityView> {
    return this.sensitive.state(parseArtifactId(id));
  }

  @Put('sensitive')
  @RequirePermission('upload')
  mark(@Param('id') id: string, @CurrentActor() actor: RequestActor): Promise<SensitivityView> {
    return this.sensitive.mark(parseArtifactId(id), actor);
  }

  @Delete('sensitive')
  @RequirePermission('upload')
  unmark(@Param('id') id: string, @CurrentActor() actor: RequestActor): Promise<SensitivityView> {
    return this.sensitive.unmark(parseArtifactId(id), actor);
  }

  @Get('monitor')
  @RequirePermission('search')
  async program(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const program = await this.sensitive.program(parseArtifactId(id));
    res.status(200).setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('X-Checksum-SHA256', program.sha256);
    res.setHeader('ETag', `"${program.sha256}"`);
    await pipeline(program.source, res);
  }

  @Put('monitor')
  @RequirePermission('upload')
  attach(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<SensitivityView> {
    return this.sensitive.attachProgram(parseArtifactId(id), body, actor);
  }

  @Delete('monitor')
  @RequirePermission('upload')
  remove(@Param('id') id: string, @CurrentActor() actor: RequestActor): Promise<SensitivityView> {
    return this.sensitive.removeProgram(parseArtifactId(id), actor);
  }

  @Get('download-history')
  @RequirePermission('search')
  history(@Param('id') id: string, @CurrentActor() actor: RequestActor): Promise<SensitiveDownloadView[]> {
    return this.sensitive.history(parseArtifactId(id), actor);
  }
}
