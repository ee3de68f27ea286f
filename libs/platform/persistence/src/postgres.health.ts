import { Inject, Injectable } from '@nestjs/common';
import type { HealthCheckResult, HealthIndicatorLike } from './health-indicator.types';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from './persistence.tokens';
import { schemaOf } from './schema-name';

/** Reports whether the service's database answers, and how long a trivial round trip takes. */
@Injectable()
export class PostgresHealthIndicator implements HealthIndicatorLike {
  readonly id = 'postgres';
  readonly displayName = 'PostgreSQL';

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async check(): Promise<HealthCheckResult> {
    if (!this.dataSource.isInitialized) return { status: 'critical', description: 'not connected' };
    const started = Date.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 3_000);
      const latencyMs = Date.now() - started;
      return {
        status: latencyMs > 1_000 ? 'degraded' : 'ok',
        metrics: { latencyMs, schema: schemaOf(this.dataSource) },
      };
    } catch (err) {
      return { status: 'critical', description: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** A health probe must answer even when the database hangs. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
