import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ClientError } from '../domain/client-error';
import type { ArtifactMetadataView } from './artifact-view';
import { SearchEvents } from './search-events';
import { SearchService } from './search.service';

const BY_NAME_PREFIX = '/artifact/byName/';

/**
 * Enumeration (POST /artifacts), exact-name lookup and regex search. Registered before ArtifactsController. Each
 * answer that found something is counted for the popularity counters (search-events.ts: ArtifactsSearched v2); of an
 * enumeration, only what a query naming an artifact matched (a `*` listing is not a search: search.service.ts, Page).
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly events: SearchEvents,
  ) {}

  @Post('artifacts')
  @HttpCode(200)
  async enumerate(
    @Body() body: unknown,
    @Query('offset') offset: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArtifactMetadataView[]> {
    const page = await this.search.enumerate(body, offset);
    this.events.searched(page.searchedFor);
    res.setHeader('offset', page.nextOffset);
    return page.items;
  }

  /** Names may contain '/', so the name is everything after the prefix (raw or %2F-encoded). */
  @Get('artifact/byName/*name')
  async byName(@Req() req: Request): Promise<ArtifactMetadataView[]> {
    const path = req.originalUrl.split('?')[0] ?? '';
    const idx = path.indexOf(BY_NAME_PREFIX);
    let name: string;
    try {
      name = decodeURIComponent(path.slice(idx + BY_NAME_PREFIX.length));
    } catch {
      throw new ClientError(400, 'name is not valid percent-encoding');
    }
    const items = await this.search.byName(name);
    this.events.searched(items);
    return items;
  }

  @Post('artifact/byRegEx')
  @HttpCode(200)
  async byRegex(@Body() body: unknown): Promise<ArtifactMetadataView[]> {
    const items = await this.search.byRegex(body);
    this.events.searched(items);
    return items;
  }
}
