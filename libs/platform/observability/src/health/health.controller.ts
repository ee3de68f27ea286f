import { BadRequestException, Controller, Get, Header, Query, Res } from '@nestjs/common';
import type { HealthComponentCollection, HealthComponentDetail, HealthStatus } from './health.types';
import { HealthService } from './health.service';

const MIN_WINDOW = 5;
const MAX_WINDOW = 1440;
const DEFAULT_WINDOW = 60;

/** Minimal shape of the response object we need, so this works on any Nest HTTP adapter. */
interface StatusSettable {
  status(code: number): unknown;
}

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness/readiness: 200 while every component is ok or degraded, 503 otherwise. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async heartbeat(@Res({ passthrough: true }) res: StatusSettable) {
    const checked = await this.health.checkAll();
    const status = worst(checked.map((c) => c.result.status));
    const healthy = checked.every((c) => c.result.status === 'ok' || c.result.status === 'degraded');
    res.status(healthy ? 200 : 503);
    return {
      status,
      checked_at: new Date().toISOString(),
      uptime_seconds: this.health.uptimeSeconds(),
      components: checked.map((c) => ({ id: c.indicator.id, status: c.result.status })),
    };
  }

  /**
   * Liveness: only about this process. Answering at all proves the event loop runs; a dependency outage must not
   * make the orchestrator restart healthy processes (it would only add a restart storm to the outage).
   */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live() {
    return { status: 'ok', checked_at: new Date().toISOString(), uptime_seconds: this.health.uptimeSeconds() };
  }

  /**
   * Readiness: 503 while the database or the broker cannot be reached (or any readiness component is critical or
   * unknown), so the orchestrator stops routing to this replica until they are back; 200 again without a restart.
   */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) res: StatusSettable) {
    const checked = await this.health.checkReadiness();
    const ready = checked.every((c) => c.result.status === 'ok' || c.result.status === 'degraded');
    res.status(ready ? 200 : 503);
    return {
      status: ready ? 'ok' : worst(checked.map((c) => c.result.status)),
      checked_at: new Date().toISOString(),
      components: checked.map((c) => ({ id: c.indicator.id, status: c.result.status, ...(c.result.description ? { description: c.result.description.slice(0, 300) } : {}) })),
    };
  }

  @Get('components')
  @Header('Cache-Control', 'no-store')
  async components(
    @Query('windowMinutes') windowRaw?: unknown,
    @Query('includeTimeline') timelineRaw?: unknown,
  ): Promise<HealthComponentCollection> {
    const windowMinutes = parseWindow(windowRaw);
    const includeTimeline = parseBool(timelineRaw);
    const checked = await this.health.checkAll();
    const components = checked.map((c): HealthComponentDetail => {
      const detail: HealthComponentDetail = {
        id: c.indicator.id,
        display_name: c.indicator.displayName,
        status: c.result.status,
        observed_at: c.observedAt.toISOString(),
        description: c.result.description ?? c.indicator.description ?? c.indicator.displayName,
        metrics: c.result.metrics ?? {},
      };
      if (c.result.issues && c.result.issues.length > 0) detail.issues = c.result.issues;
      if (includeTimeline) detail.timeline = this.health.history.timeline(c.indicator.id, windowMinutes);
      return detail;
    });
    return { components, generated_at: new Date().toISOString(), window_minutes: windowMinutes };
  }
}

function parseWindow(raw: unknown): number {
  if (raw === undefined) return DEFAULT_WINDOW;
  if (typeof raw !== 'string' || !/^\d{1,5}$/.test(raw)) {
    throw new BadRequestException(`windowMinutes must be an integer between ${MIN_WINDOW} and ${MAX_WINDOW}`);
  }
  const value = Number(raw);
  if (value < MIN_WINDOW || value > MAX_WINDOW) {
    throw new BadRequestException(`windowMinutes must be an integer between ${MIN_WINDOW} and ${MAX_WINDOW}`);
  }
  return value;
}

function parseBool(raw: unknown): boolean {
  if (raw === undefined) return false;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new BadRequestException('includeTimeline must be true or false');
}

const SEVERITY: Record<HealthStatus, number> = { ok: 0, degraded: 1, unknown: 2, critical: 3 };

function worst(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((acc, s) => (SEVERITY[s] > SEVERITY[acc] ? s : acc), 'ok');
}
