import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ArtifactView } from '../artifacts/artifact-view';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ClientError } from '../domain/client-error';
import { RefusalRecorder } from '../http/refusal-recorder';
import { UploadSessionsService, type UploadSessionView } from './upload-sessions.service';

/**
 * Resumable uploads (extension, openapi/modelguard-extensions.openapi.yaml): create a session, PATCH chunks at the
 * acknowledged `Upload-Offset`, ask the offset (GET, or HEAD for the headers alone) after a failure, then complete.
 */
@Controller('upload-sessions')
@UseGuards(AuthGuard)
export class UploadSessionsController {
  constructor(
    private readonly sessions: UploadSessionsService,
    private readonly refusals: RefusalRecorder,
  ) {}

  @Post()
  @RequirePermission('upload')
  async create(@Body() body: unknown, @CurrentActor() actor: RequestActor, @Res({ passthrough: true }) res: Response): Promise<UploadSessionView> {
    const view = await this.sessions.create(body, actor);
    res.status(201).setHeader('Location', `/upload-sessions/${view.id}`);
    return offsetHeaders(res, view);
  }

  @Get(':session_id')
  @RequirePermission('upload')
  status(@Param('session_id') id: string, @CurrentActor() actor: RequestActor, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadSessionView> {
    return this.audited(req, async () => offsetHeaders(res, await this.sessions.status(id, actor)));
  }

  @Patch(':session_id')
  @RequirePermission('upload')
  append(@Param('session_id') id: string, @CurrentActor() actor: RequestActor, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadSessionView> {
    return this.audited(req, async () => {
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      // Any other type was read as JSON by JsonBodyMiddleware: nothing would be left of the stream to store.
      if (!type.startsWith('application/offset+octet-stream') && !type.startsWith('application/octet-stream')) {
        throw new ClientError(415, 'send a chunk as application/offset+octet-stream');
      }
      return offsetHeaders(res, await this.sessions.append(id, req.headers['upload-offset'], req, actor));
    });
  }

  @Post(':session_id/complete')
  @RequirePermission('upload')
  async complete(@Param('session_id') id: string, @CurrentActor() actor: RequestActor, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ArtifactView> {
    const view = await this.audited(req, () => this.sessions.complete(id, actor));
    res.status(201);
    return view;
  }

  @Delete(':session_id')
  @HttpCode(204)
  @RequirePermission('upload')
  async abandon(@Param('session_id') id: string, @CurrentActor() actor: RequestActor, @Req() req: Request): Promise<void> {
    await this.audited(req, () => this.sessions.abandon(id, actor));
  }

  /**
   * Someone else's session answers 404 like a missing one (its existence is not disclosed), but unlike a missing one
   * it is a refusal, so it is recorded here: the exception filter never audits a 404.
   */
  private async audited<T>(req: Request, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error: unknown) {
      if (error instanceof ClientError && error.status === 404 && error.reason === 'forbidden-ownership') {
        this.refusals.record(req as unknown as Parameters<RefusalRecorder['record']>[0], 404, 'forbidden-ownership', error.message);
      }
      throw error;
    }
  }
}

function offsetHeaders(res: Response, view: UploadSessionView): UploadSessionView {
  res.setHeader('Upload-Offset', String(view.offset));
  res.setHeader('Upload-Length', String(view.total_bytes));
  res.setHeader('Cache-Control', 'no-store');
  return view;
}
