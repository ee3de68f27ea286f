import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, TestClock, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

interface Usage {
  user: string;
  storage: { used_bytes: number; limit_bytes: number | null; overridden: boolean };
  upload_rate: { used: number; limit: number | null; window_seconds: number };
}

/** Issue 17.5: per-user storage and upload-rate quotas, on real Postgres, defaults from the GATEWAY_QUOTA_* config. */
describe('gateway quotas', () => {
  let app: GatewayTestApp;
  let admin: string;
  const clock = new TestClock();
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  /** A package whose unpacked size (what the quota counts) is exactly `bytes`. */
  const pkg = (bytes: number): Promise<Buffer> => buildZip({ 'model.bin': randomBytes(bytes) });
  const upload = async (s: Session, name: string, bytes: number) =>
    call<CreatedArtifact & { error?: string; quota?: string; used_bytes?: number; limit_bytes?: number }>('POST', `/artifact/model/package?name=${name}`, {
      token: s.token, rawBody: await pkg(bytes), contentType: 'application/zip',
    });
  const usage = async (token: string, name: string): Promise<Usage> => {
    const res = await call<Usage>('GET', `/users/${name}/usage`, { token });
    expect(res.status, res.raw.toString()).toBe(200);
    return res.body;
  };
  const refusals = async (user: string, status: number): Promise<number> => {
    const rows = (await app.dataSource.query(
      `SELECT count(*)::int AS n FROM "${app.schema}".outbox WHERE topic = 'gateway.request-refused.v1' AND envelope->'payload'->'actor'->>'name' = $1 AND (envelope->'payload'->>'status')::int = $2`,
      [user, status],
    )) as { n: number }[];
    return rows[0].n;
  };

  beforeAll(async () => {
    app = await startGatewayTestApp({ clock, env: { GATEWAY_QUOTA_STORAGE_BYTES: '3000', GATEWAY_QUOTA_UPLOADS_PER_WINDOW: '1000', GATEWAY_QUOTA_WINDOW_SECONDS: '600' } });
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses an upload past the storage quota with 413 naming the quota, audits it, and a delete gives the space back', async () => {
    const alice = await registerUser(app.client, admin, 'quota-alice', ['upload', 'download', 'search']);
    const first = await upload(alice, 'alice-one', 2000);
    expect(first.status, first.raw.toString()).toBe(201);
    expect(await usage(alice.token, alice.name)).toMatchObject({ storage: { used_bytes: 2000, limit_bytes: 3000, overridden: false } });

    const refused = await upload(alice, 'alice-two', 2000);
    expect(refused.status).toBe(413);
    expect(refused.headers.get('x-error-code')).toBe('quota_storage_exceeded');
    expect(refused.body).toMatchObject({ quota: 'storage', used_bytes: 2000, limit_bytes: 3000, requested_bytes: 2000 });
    await expect.poll(() => refusals(alice.name, 413), { timeout: 20_000 }).toBeGreaterThan(0);
    // Nothing of the refused upload was recorded.
    expect((await usage(alice.token, alice.name)).storage.used_bytes).toBe(2000);

    expect((await call('DELETE', `/artifacts/model/${first.body.metadata.id}`, { token: alice.token })).status).toBe(200);
    expect((await usage(alice.token, alice.name)).storage.used_bytes).toBe(0);
    expect((await upload(alice, 'alice-three', 2000)).status).toBe(201);
  });

  it('lets an admin raise one user limit (audited), and only an admin', async () => {
    const erin = await registerUser(app.client, admin, 'quota-erin', ['upload']);
    expect((await upload(erin, 'erin-one', 2500)).status).toBe(201);
    expect((await upload(erin, 'erin-two', 2500)).status).toBe(413);

    // Lacking the admin permission answers 401, as everywhere in this registry.
    expect((await call('PUT', `/users/${erin.name}/quota`, { token: erin.token, json: { storage_bytes: 1e9 } })).status).toBe(401);
    expect((await call('PUT', `/users/${erin.name}/quota`, { token: admin, json: { storage_bytes: -1 } })).status).toBe(400);
    const raised = await call<Usage>('PUT', `/users/${erin.name}/quota`, { token: admin, json: { storage_bytes: 10_000 } });
    expect(raised.status, raised.raw.toString()).toBe(200);
    expect(raised.body.storage).toMatchObject({ limit_bytes: 10_000, overridden: true });
    expect((await upload(erin, 'erin-two', 2500)).status).toBe(201);
    expect((await usage(admin, erin.name)).storage.used_bytes).toBe(5000);

    const audited = (await app.dataSource.query(
      `SELECT envelope->'payload' AS p FROM "${app.schema}".outbox WHERE topic = 'gateway.security-event.v1' AND envelope->'payload'->>'action' = 'QUOTA_SET'`,
    )) as { p: { subject: string; actor: { name: string } } }[];
    expect(audited.map((r) => r.p.subject)).toContain(erin.name);

    // Another user's usage is not for erin; the admin list shows everyone's.
    expect((await call('GET', '/users/quota-alice/usage', { token: erin.token })).status).toBe(403);
    const list = await call<Usage[]>('GET', '/quotas', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.find((u) => u.user === erin.name)?.storage.used_bytes).toBe(5000);
    expect((await call('GET', '/quotas', { token: erin.token })).status).toBe(401);
  });

  it('lets at most the quota through when uploads race', async () => {
    const bob = await registerUser(app.client, admin, 'quota-bob', ['upload']);
    const results = await Promise.all([0, 1, 2, 3].map((i) => upload(bob, `bob-race-${i}`, 2000)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 413, 413, 413]);
    expect((await usage(bob.token, bob.name)).storage.used_bytes).toBe(2000);
  });

  it('refuses past the upload rate with 429 and Retry-After, and admits again in the next window', async () => {
    const carol = await registerUser(app.client, admin, 'quota-carol', ['upload']);
    expect((await call('PUT', `/users/${carol.name}/quota`, { token: admin, json: { uploads_per_window: 2 } })).status).toBe(200);
    expect((await upload(carol, 'carol-1', 10)).status).toBe(201);
    expect((await upload(carol, 'carol-2', 10)).status).toBe(201);
    const limited = await upload(carol, 'carol-3', 10);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-error-code')).toBe('quota_upload_rate_exceeded');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(limited.body).toMatchObject({ quota: 'upload_rate', used: 2, limit: 2 });
    await expect.poll(() => refusals(carol.name, 429), { timeout: 20_000 }).toBeGreaterThan(0);
    clock.advance(retryAfter * 1000);
    expect((await upload(carol, 'carol-3', 10)).status).toBe(201);
  });

  it('counts an ingest once it is stored, and refuses the next ingest of a full user at request time', async () => {
    const dave = await registerUser(app.client, admin, 'quota-dave', ['upload']);
    expect((await call('PUT', `/users/${dave.name}/quota`, { token: admin, json: { storage_bytes: 100 } })).status).toBe(200);
    const first = await call('POST', '/artifact/model', { token: dave.token, json: { url: 'https://huggingface.co/quota-org/first-model' } });
    expect(first.status, first.raw.toString()).toBe(201);
    // The fake ingest stores a few KB: counted at completion, past the 100-byte limit.
    expect((await usage(dave.token, dave.name)).storage.used_bytes).toBeGreaterThan(100);
    const second = await call<{ quota?: string }>('POST', '/artifact/model', { token: dave.token, json: { url: 'https://huggingface.co/quota-org/second-model' } });
    expect(second.status).toBe(413);
    expect(second.headers.get('x-error-code')).toBe('quota_storage_exceeded');
    expect(second.body.quota).toBe('storage');
  });
});
