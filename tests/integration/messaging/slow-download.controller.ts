import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { created } from './messaging-scenarios';

export const SLOW_CHUNK_BYTES = 64 * 1024;

/**
 * A large download that takes its time: `chunks` × 64 KiB, one every `everyMs`. When `event` is given, the request
 * commits an ArtifactCreated event for that id through the outbox just before its last byte, so the event is
 * written while a graceful shutdown drains the request.
 */
@Controller('slow')
export class SlowDownloadController {
  constructor(
    private readonly outbox: Outbox,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  async download(@Res() res: Response, @Query('chunks') chunks = '16', @Query('everyMs') everyMs = '100', @Query('event') event?: string): Promise<void> {
    const count = Number(chunks);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(count * SLOW_CHUNK_BYTES));
    res.flushHeaders();
    const chunk = Buffer.alloc(SLOW_CHUNK_BYTES, 'x');
    for (let i = 0; i < count && !res.destroyed; i++) {
      res.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, Number(everyMs)));
    }
    if (event) await this.dataSource.transaction((m) => this.outbox.enqueue(m, Topic.ArtifactCreated, created(event), { key: event }));
    res.end();
  }
}
