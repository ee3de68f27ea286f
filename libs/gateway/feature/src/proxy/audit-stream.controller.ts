import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import type { RequestActor } from '../auth/actor';
import { AuthGuard } from '../auth/auth.guard';
import { parseAuditStreamRequest } from './audit-stream-filter';
import { AuditStreamHub } from './audit-stream-hub';

/**
 * `GET /audit/stream` (admin, extension): the security log live, as Server-Sent Events. Each event is one entry (the
 * `GET /audit/entries` shape) with the entry id as its SSE `id`; `Last-Event-ID` (or `?lastEventId=`) replays what
 * was missed first, then the stream goes live; `artifact`, `actor` and `action` filter it. Authorised like
 * `GET /audit/entries`: the log names every user and every refusal.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class AuditStreamController {
  constructor(private readonly hub: AuditStreamHub) {}

  @Get('audit/stream')
  async stream(
    @Query() query: Record<string, unknown>,
    @CurrentActor() actor: RequestActor,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Validated before anything is opened: a bad filter or resume point is a 400, never a stream of everything.
    const request = parseAuditStreamRequest(query, req.headers['last-event-id']);
    await this.hub.serve(res, actor.name, request);
  }
}
