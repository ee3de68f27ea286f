import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { ComponentHealth, HealthIndicator, HealthIssue, HealthStatus } from './health.types';

const DEGRADED_DELAY_MS = 200;
const CRITICAL_DELAY_MS = 2000;

/**
 * The process itself: uptime, memory and event-loop delay. A blocked event loop is the most common
 * cause of "the service is up but times out" (e.g. synchronous hashing or parsing on the main thread).
 * The delay histogram is reset on each check, so it describes the interval since the last check.
 */
export class ProcessHealthIndicator implements HealthIndicator {
  readonly id = 'process';
  readonly displayName = 'Service process';
  readonly description = 'The Node.js process serving this API: uptime, memory and event-loop responsiveness.';
  private histogram: IntervalHistogram | null = null;

  constructor(private readonly serviceName?: string) {}

  async check(): Promise<ComponentHealth> {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: 20 });
      this.histogram.enable();
    }
    const mem = process.memoryUsage();
    const h = this.histogram;
    const hasSamples = h.count > 0;
    const p99Ms = hasSamples ? h.percentile(99) / 1e6 : 0;
    const maxMs = hasSamples ? h.max / 1e6 : 0;
    h.reset();

    const issues: HealthIssue[] = [];
    let status: HealthStatus = 'ok';
    if (p99Ms >= CRITICAL_DELAY_MS) {
      status = 'critical';
      issues.push({ code: 'event_loop_blocked', severity: 'error', summary: `Event-loop delay p99 ${p99Ms.toFixed(0)} ms` });
    } else if (p99Ms >= DEGRADED_DELAY_MS) {
      status = 'degraded';
      issues.push({ code: 'event_loop_slow', severity: 'warning', summary: `Event-loop delay p99 ${p99Ms.toFixed(0)} ms` });
    }
    return {
      status,
      metrics: {
        ...(this.serviceName ? { service: this.serviceName } : {}),
        pid: process.pid,
        uptime_seconds: Math.floor(process.uptime()),
        rss_bytes: mem.rss,
        heap_used_bytes: mem.heapUsed,
        heap_total_bytes: mem.heapTotal,
        event_loop_delay_p99_ms: round(p99Ms),
        event_loop_delay_max_ms: round(maxMs),
      },
      issues: issues.length > 0 ? issues : undefined,
    };
  }

  /** Stops the histogram timer (called by HealthModule on shutdown). */
  dispose(): void {
    this.histogram?.disable();
    this.histogram = null;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
