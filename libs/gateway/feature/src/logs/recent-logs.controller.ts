import { isLevel, type RecentLogLine, type RecentLogQuery, recentLogs } from '@modelguard/observability';
import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ClientError } from '../domain/client-error';

const PARAMS = new Set(['level', 'service', 'q', 'limit']);

/**
 * `GET /logs/recent` (admin, extension): the newest log lines this gateway process has written, from the bounded
 * in-memory ring in observability (all services in embedded mode; this replica only in distributed mode, where the
 * platform's log collector holds the rest). Filters are plain values: a minimum level, an exact service, a
 * case-insensitive substring (never a pattern from the user, so no regex cost), and a limit; anything else is a 400.
 */
@Controller('logs')
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class RecentLogsController {
  @Get('recent')
  recent(@Query() query: Record<string, unknown>): { lines: RecentLogLine[] } {
    const q: RecentLogQuery = {};
    for (const [name, value] of Object.entries(query)) {
      if (!PARAMS.has(name)) throw new ClientError(400, `unknown parameter ${name}: use level, service, q or limit`);
      if (typeof value !== 'string') throw new ClientError(400, `${name} may be given once`);
    }
    const { level, service, q: text, limit } = query as Record<string, string | undefined>;
    if (level !== undefined && level !== '') {
      if (!isLevel(level)) throw new ClientError(400, 'level must be one of trace, debug, info, warn, error, fatal');
      q.level = level;
    }
    if (service !== undefined && service !== '') {
      if (!/^[a-z][a-z0-9-]{0,63}$/.test(service)) throw new ClientError(400, 'service must be a service name such as gateway or scan');
      q.service = service;
    }
    if (text !== undefined && text !== '') {
      if (text.length > 200) throw new ClientError(400, 'q must be at most 200 characters');
      q.text = text;
    }
    if (limit !== undefined && limit !== '') {
      if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw new ClientError(400, 'limit must be an integer from 1 to 1000');
      q.limit = Number(limit);
    }
    return { lines: recentLogs.query(q) };
  }
}
