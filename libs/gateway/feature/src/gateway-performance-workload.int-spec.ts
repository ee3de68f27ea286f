import { Topic } from '@modelguard/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_COALESCING } from './http/refusal-recorder';
import { registerUser, TestClock } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

interface Run {
  run_id: string;
  status: 'seeding' | 'running' | 'succeeded' | 'failed';
  error: string | null;
  parameters: { artifact_id: string; clients: number; downloads_per_client: number; registry_size: number | null };
  registry: { artifacts: number | null; seeded: number };
  progress: { completed: number; total: number };
  results: null | {
    requests: number;
    downloads: number;
    error_count: number;
    errors: Record<string, number>;
    bytes: number;
    wall_seconds: number;
    throughput_mib_per_s: number;
    latency_ms: { mean: number; median: number; p99: number; max: number };
    series: Array<{ second: number; downloads: number; bytes: number; mib_per_s: number }>;
  };
}

/** Issue 13.4: the admin-triggered performance workload, real downloads over HTTP against the gateway itself, on real Postgres. */
describe('gateway performance workload', () => {
  let app: GatewayTestApp;
  let admin: string;
  let model: CreatedArtifact;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const start = (json: unknown, token = admin) => call<Run & { error?: string }>('POST', '/performance-workload', { token, json });
  const finished = async (runId: string): Promise<Run> => {
    let run: Run | undefined;
    await expect
      .poll(async () => {
        const res = await call<Run>('GET', `/performance-workload/${runId}`, { token: admin });
        expect(res.status, res.raw.toString()).toBe(200);
        run = res.body;
        return run.status;
      }, { timeout: 60_000, interval: 200 })
      .toMatch(/^(succeeded|failed)$/);
    if (run === undefined) throw new Error('no run read');
    return run;
  };
  const downloadsOf = async (id: string): Promise<number> =>
    ((await app.dataSource.query(`SELECT count(*)::int AS n FROM "${app.schema}".downloads WHERE artifact_id = $1`, [id])) as { n: number }[])[0].n;

  // Moved past the refusal coalescing window instead of waiting for it to end (the audited refusals below).
  const clock = new TestClock();

  beforeAll(async () => {
    app = await startGatewayTestApp({ clock });
    admin = await loginAsAdmin(app.client);
    const up = await call<CreatedArtifact>('POST', '/artifact/model/package?name=perf-model', {
      token: admin, rawBody: await buildZip({ 'weights.bin': randomBytes(150_000), 'config.json': '{}' }), contentType: 'application/zip',
    });
    expect(up.status, up.raw.toString()).toBe(201);
    model = up.body;
    const ref = { artifactId: model.metadata.id, artifactType: 'model' as const, name: model.metadata.name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: 'r-clean', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, model.metadata.id);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs 5 clients x 2 downloads over a seeded registry: counts, bytes and ordered latency figures add up, audited', async () => {
    const one = await call('GET', `/artifacts/model/${model.metadata.id}/download`, { token: admin });
    expect(one.status).toBe(200);
    const packageBytes = one.raw.length;
    const before = await downloadsOf(model.metadata.id);

    const started = await start({ artifact_id: model.metadata.id, clients: 5, downloads_per_client: 2, registry_size: 4 });
    expect(started.status, started.raw.toString()).toBe(202);
    expect(started.body).toMatchObject({ status: 'seeding', progress: { completed: 0, total: 10 }, parameters: { clients: 5, downloads_per_client: 2, registry_size: 4 }, results: null });

    const run = await finished(started.body.run_id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.registry).toEqual({ artifacts: 4, seeded: 3 }); // the uploaded model plus three metadata-only ones
    expect(run.progress).toEqual({ completed: 10, total: 10 });
    const r = run.results;
    if (r === null) throw new Error('a finished run has results');
    expect(r).toMatchObject({ requests: 10, downloads: 10, error_count: 0, errors: {}, bytes: 10 * packageBytes });
    expect(r.latency_ms.mean).toBeGreaterThan(0);
    expect(r.latency_ms.median).toBeLessThanOrEqual(r.latency_ms.p99);
    expect(r.latency_ms.p99).toBeLessThanOrEqual(r.latency_ms.max);
    expect(r.throughput_mib_per_s).toBeGreaterThan(0);
    expect(r.series.reduce((s, b) => s + b.downloads, 0)).toBe(10);
    expect(r.series.reduce((s, b) => s + b.bytes, 0)).toBe(r.bytes);
    // Real downloads: each one recorded in the download history like any client's.
    expect(await downloadsOf(model.metadata.id)).toBe(before + 10);
    // Audited with who started it, and the five client tokens were revoked when it ended.
    const audited = (await app.dataSource.query(
      `SELECT envelope->'payload' AS p FROM "${app.schema}".outbox WHERE topic = 'gateway.security-event.v1' AND envelope->'payload'->>'action' = 'PERFORMANCE_WORKLOAD_RUN'`,
    )) as Array<{ p: { actor: { name: string }; subject: string; detail: string } }>;
    expect(audited.map((a) => a.p.subject)).toContain(model.metadata.id);
    expect(audited[0].p.detail).toContain(`run=${run.run_id}`);
    const live = (await app.dataSource.query(`SELECT count(*)::int AS n FROM "${app.schema}".auth_tokens WHERE revoked_at IS NULL AND expires_at < now() + interval '2 hours'`)) as { n: number }[];
    expect(live[0].n).toBe(0);
  });

  it('runs one workload at a time: of two concurrent starts exactly one gets 202, the other 409', async () => {
    const body = { artifact_id: model.metadata.id, clients: 3, downloads_per_client: 2 };
    const [a, b] = await Promise.all([start(body), start(body)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const accepted = a.status === 202 ? a : b;
    const refused = a.status === 202 ? b : a;
    expect(refused.body.error).toMatch(/still running/);
    const run = await finished(accepted.body.run_id);
    expect(run.results).toMatchObject({ requests: 6, downloads: 6 });
    // Free again once it finished.
    const again = await start(body);
    expect(again.status).toBe(202);
    await finished(again.body.run_id);
  });

  it('refuses unbounded or malformed input with 400, an unknown model with 404, and non-admins (audited)', async () => {
    const id = model.metadata.id;
    for (const bad of [
      { artifact_id: id, clients: 100_000 },
      { artifact_id: id, clients: 0 },
      { artifact_id: id, downloads_per_client: 2.5 },
      { artifact_id: id, clients: 200, downloads_per_client: 20 },
      { artifact_id: id, registry_size: 1_000_000 },
      { artifact_id: id, threads: 4 },
      { clients: 5 },
      { artifact_id: '../etc/passwd' },
      [id],
    ]) {
      const res = await start(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect((await start({ artifact_id: 'nosuchmodel0000' })).status).toBe(404);
    expect((await call('GET', '/performance-workload/not-a-run', { token: admin })).status).toBe(400);
    expect((await call('GET', '/performance-workload/00000000-0000-4000-8000-000000000000', { token: admin })).status).toBe(404);

    const user = await registerUser(app.client, admin, 'perf-downloader', ['download', 'search']);
    // Lacking the admin permission answers 401, as on every admin route of this registry.
    expect((await start({ artifact_id: id, clients: 1 }, user.token)).status).toBe(401);
    expect((await call('GET', '/performance-workload/00000000-0000-4000-8000-000000000000', { token: user.token })).status).toBe(401);
    // The second refusal of the same identity and reason is written when its coalescing window ends.
    clock.advance(REFUSAL_COALESCING.windowMs);
    await expect
      .poll(async () => {
        const rows = (await app.dataSource.query(
          `SELECT count(*)::int AS n FROM "${app.schema}".outbox WHERE topic = 'gateway.request-refused.v1' AND envelope->'payload'->'actor'->>'name' = $1`,
          [user.name],
        )) as { n: number }[];
        return rows[0].n;
      }, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
  });
});
