import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CONTRIBUTED_TOKENS, type HealthIndicatorRegistry } from './health-indicator.provider';
import { HealthHistory } from './health-history';
import type { ComponentHealth, HealthIndicator } from './health.types';

export const HEALTH_MODULE_OPTIONS = Symbol.for('modelguard.HEALTH_MODULE_OPTIONS');

export interface HealthModuleOptions {
  /** Indicators given directly (in addition to those contributed with provideHealthIndicator). */
  indicators?: HealthIndicator[];
  /** Per-indicator time limit; a slower check counts as critical. Default 3000 ms. */
  checkTimeoutMs?: number;
  /** Background sampling for the timeline; 0 disables it. Default 60000 ms. */
  sampleIntervalMs?: number;
  /** Results younger than this are reused, so a probe storm cannot hammer S3/Redis. Default 1000 ms. */
  cacheMs?: number;
  /**
   * Component ids that decide readiness (/health/ready); a missing id is ignored, so one list fits every service.
   * Default DEFAULT_READINESS_COMPONENTS: the database and the broker, without which no request or event can be
   * served, and the shutdown flag. Peers (scan, audit, ...), S3 and Redis are left out on purpose: a slow peer must not take every
   * gateway replica out of its Service, and the cache degrades by design.
   */
  readinessComponents?: readonly string[];
}

// `shutdown` turns critical when a graceful shutdown begins (libs/platform/runtime), so the replica leaves its Service first.
export const DEFAULT_READINESS_COMPONENTS: readonly string[] = ['postgres', 'kafka-broker', 'kafka', 'message-bus', 'shutdown'];

export interface CheckedComponent {
  indicator: HealthIndicator;
  result: ComponentHealth;
  observedAt: Date;
}

@Injectable()
export class HealthService implements HealthIndicatorRegistry, OnModuleInit, OnModuleDestroy {
  readonly history = new HealthHistory();
  private readonly startedAt = Date.now();
  private inFlight: Promise<CheckedComponent[]> | null = null;
  private last: { at: number; value: CheckedComponent[] } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(HEALTH_MODULE_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onModuleInit(): void {
    const interval = this.options.sampleIntervalMs ?? 60_000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.checkAll().catch(() => undefined), interval);
      this.timer.unref(); // sampling must never keep a stopping process alive
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const indicator of this.all()) (indicator as { dispose?: () => void }).dispose?.();
  }

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }

  all(): HealthIndicator[] {
    const discovered = this.discovery
      .getProviders()
      .filter((w) => CONTRIBUTED_TOKENS.has(w.token) && w.instance != null)
      .map((w) => w.instance as HealthIndicator);
    const seen = new Set<string>();
    // Ids are the public key of a component, so a duplicate (e.g. two modules both registering
    // 'redis') is collapsed to the first rather than shown twice.
    return [...(this.options.indicators ?? []), ...discovered].filter((i) => !seen.has(i.id) && seen.add(i.id));
  }

  /** Runs every check concurrently, each bounded by a timeout; concurrent callers share one run. */
  async checkAll(): Promise<CheckedComponent[]> {
    const cacheMs = this.options.cacheMs ?? 1000;
    if (this.last && Date.now() - this.last.at < cacheMs) return this.last.value;
    if (this.inFlight) return this.inFlight;
    this.inFlight = Promise.all(this.all().map((i) => this.checkOne(i)))
      .then((value) => {
        this.last = { at: Date.now(), value };
        for (const c of value) this.history.record(c.indicator.id, c.result.status, c.observedAt.getTime());
        return value;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** Only the readiness components, checked now (not from the shared cache, which may hold a pre-outage answer). */
  async checkReadiness(): Promise<CheckedComponent[]> {
    const ids = new Set(this.options.readinessComponents ?? DEFAULT_READINESS_COMPONENTS);
    return Promise.all(this.all().filter((i) => ids.has(i.id)).map((i) => this.checkOne(i)));
  }

  private async checkOne(indicator: HealthIndicator): Promise<CheckedComponent> {
    const timeoutMs = this.options.checkTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const started = Date.now();
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeoutError(timeoutMs)), timeoutMs);
      });
      const result = await Promise.race([Promise.resolve().then(() => indicator.check()), timeout]);
      return { indicator, result: withLatency(result, Date.now() - started), observedAt: new Date() };
    } catch (err) {
      const timedOut = err instanceof CheckTimeoutError;
      return {
        indicator,
        observedAt: new Date(),
        result: {
          status: 'critical',
          metrics: { check_latency_ms: Date.now() - started },
          issues: [
            {
              code: timedOut ? 'check_timeout' : 'check_failed',
              severity: 'error',
              summary: timedOut ? `Health check did not answer within ${timeoutMs} ms` : 'Health check failed',
              details: err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500),
            },
          ],
        },
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

class CheckTimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

function withLatency(result: ComponentHealth, latencyMs: number): ComponentHealth {
  return { ...result, metrics: { ...(result.metrics ?? {}), check_latency_ms: latencyMs } };
}
