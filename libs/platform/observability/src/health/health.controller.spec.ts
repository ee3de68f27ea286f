import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { provideHealthIndicator } from './health-indicator.provider';
import { HealthModule } from './health.module';
import type { ComponentHealth, HealthIndicator } from './health.types';

/** Status the "storage" fake reports; each test sets it. */
const state: { storage: ComponentHealth | 'throw' | 'hang' } = { storage: { status: 'ok' } };

@Injectable()
class FakeStorageIndicator implements HealthIndicator {
  readonly id = 'object-storage';
  readonly displayName = 'Object storage';
  async check(): Promise<ComponentHealth> {
    if (state.storage === 'throw') throw new Error('connect ECONNREFUSED');
    if (state.storage === 'hang') return new Promise<ComponentHealth>(() => undefined);
    return state.storage;
  }
}

/** A separate feature module contributes indicators without exporting anything. */
@Module({
  providers: [
    provideHealthIndicator(FakeStorageIndicator),
    provideHealthIndicator({ useFactory: (): HealthIndicator => ({ id: 'cache', displayName: 'Cache', check: async () => ({ status: 'degraded', metrics: { hit_ratio: 0.5 } }) }) }),
  ],
})
class FeatureModule {}

@Module({ imports: [HealthModule.forRoot({ serviceName: 'test', checkTimeoutMs: 300, cacheMs: 0, sampleIntervalMs: 0 }), FeatureModule] })
class AppModule {}

let app: INestApplication;
let base: string;
const spec = parse(readFileSync(resolve(__dirname, '../../../../../openapi/ece461_fall_2025_openapi_spec.yaml'), 'utf8')) as {
  components: { schemas: Record<string, Record<string, unknown>> };
};
// The spec's HealthMetricValue is `oneOf: [integer, number, string, boolean]`, which no integer can
// satisfy under strict JSON Schema (an integer is also a number, so two branches match). OpenAPI
// tooling reads it as "any of these"; validate it that way.
const metricValue = spec.components.schemas['HealthMetricValue']!;
metricValue['anyOf'] = metricValue['oneOf'];
delete metricValue['oneOf'];
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'spec');
const validateCollection = ajv.getSchema('spec#/components/schemas/HealthComponentCollection')!;

beforeAll(async () => {
  app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});
afterAll(() => app.close());
beforeEach(() => {
  state.storage = { status: 'ok', metrics: { bucket: 'b' } };
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /health', () => {
  it('is 200 when every component is ok or degraded', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body['status']).toBe('degraded');
    expect(body['components']).toEqual([
      { id: 'process', status: 'ok' },
      { id: 'object-storage', status: 'ok' },
      { id: 'cache', status: 'degraded' },
    ]);
  });

  it('is 503 when a check throws, and the error becomes a critical component', async () => {
    state.storage = 'throw';
    const { status, body } = await get('/health');
    expect(status).toBe(503);
    expect(body['status']).toBe('critical');
  });

  it('is 503 with a timeout issue when a check hangs (and answers promptly)', async () => {
    state.storage = 'hang';
    const started = Date.now();
    const { status, body } = await get('/health/components');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(status).toBe(200);
    const storage = (body['components'] as Array<Record<string, unknown>>).find((c) => c['id'] === 'object-storage');
    expect(storage).toMatchObject({ status: 'critical', issues: [expect.objectContaining({ code: 'check_timeout' })] });
    expect((await get('/health')).status).toBe(503);
  });

  it('is 503 for unknown', async () => {
    state.storage = { status: 'unknown' };
    expect((await get('/health')).status).toBe(503);
  });
});

describe('GET /health/components', () => {
  it('matches the OpenAPI HealthComponentCollection schema, without timeline by default', async () => {
    const { status, body } = await get('/health/components?windowMinutes=5');
    expect(status).toBe(200);
    expect(validateCollection(body), JSON.stringify(validateCollection.errors)).toBe(true);
    expect(body['window_minutes']).toBe(5);
    const components = body['components'] as Array<Record<string, unknown>>;
    expect(components.map((c) => c['id'])).toEqual(['process', 'object-storage', 'cache']);
    expect(components.every((c) => !('timeline' in c))).toBe(true);
    const processComponent = components[0]!;
    expect(processComponent['metrics']).toMatchObject({ uptime_seconds: expect.any(Number), rss_bytes: expect.any(Number), event_loop_delay_p99_ms: expect.any(Number) });
    for (const c of components) {
      expect(Object.keys(c).every((k) => ['id', 'display_name', 'status', 'observed_at', 'description', 'metrics', 'issues', 'timeline', 'logs'].includes(k))).toBe(true);
    }
  });

  it('defaults to a 60 minute window and includes a timeline on request', async () => {
    await get('/health');
    const { body } = await get('/health/components?includeTimeline=true');
    expect(validateCollection(body), JSON.stringify(validateCollection.errors)).toBe(true);
    expect(body['window_minutes']).toBe(60);
    const cache = (body['components'] as Array<Record<string, unknown>>).find((c) => c['id'] === 'cache')!;
    const timeline = cache['timeline'] as Array<{ bucket: string; value: number }>;
    expect(timeline.length).toBeGreaterThan(0);
    expect(timeline.at(-1)!.value).toBe(1); // degraded still counts as available
  });

  it.each(['4', '1441', 'abc', '10.5', '-5', '', '99999999999'])('rejects windowMinutes=%s with 400', async (value) => {
    const { status, body } = await get(`/health/components?windowMinutes=${encodeURIComponent(value)}`);
    expect(status).toBe(400);
    expect(String(body['message'])).toContain('windowMinutes');
  });

  it('rejects a repeated windowMinutes and a non-boolean includeTimeline with 400', async () => {
    expect((await get('/health/components?windowMinutes=10&windowMinutes=20')).status).toBe(400);
    expect((await get('/health/components?includeTimeline=yes')).status).toBe(400);
  });
});
