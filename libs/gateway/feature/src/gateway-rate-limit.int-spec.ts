import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInfra } from '@modelguard/testing';
import { login, registerUser, TestClock, type Session } from '../test/auth-helpers';
import type { CallResult } from '../test/contract-client';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';

const WINDOW_MS = 60_000;
const PER_IDENTITY = 5;
const PER_ADDRESS = 10;
const limits = (identity: number, address: number) => ({
  GATEWAY_RATE_LIMIT_PER_IDENTITY: String(identity),
  GATEWAY_RATE_LIMIT_PER_ADDRESS: String(address),
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_MS / 1000),
});

const rateHeaders = (res: CallResult) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
});

/**
 * Issue 10 point 4: requests are limited per token subject and per client address in fixed windows of the shared
 * cache; past a limit the answer is 429 with Retry-After and RateLimit-*, and every answer carries RateLimit-*.
 */
describe('gateway rate limits', () => {
  let app: GatewayTestApp;
  let admin: string;
  let alice: Session;
  let bob: Session;
  const clock = new TestClock();
  const enumerate = (token: string) => app.client.call<unknown[]>('POST', '/artifacts', { token, json: [{ name: '*' }] });
  const tracks = () => app.client.call('GET', '/tracks');
  /** Starts a fresh window, so each test counts from zero whatever the ones before it spent. */
  const nextWindow = () => clock.advance(WINDOW_MS);

  beforeAll(async () => {
    app = await startGatewayTestApp({ clock, env: limits(PER_IDENTITY, PER_ADDRESS) });
    admin = await loginAsAdmin(app.client);
    alice = await registerUser(app.client, admin, 'alice', ['search']);
    nextWindow();
    bob = await registerUser(app.client, admin, 'bob', ['search']);
  });
  afterAll(async () => app?.close());

  it('limits one identity, tells it how much is left on every answer, and leaves other identities alone', async () => {
    nextWindow();
    for (let i = 1; i <= PER_IDENTITY; i++) {
      const res = await enumerate(alice.token);
      expect(res.status).toBe(200);
      expect(rateHeaders(res)).toMatchObject({ limit: String(PER_IDENTITY), remaining: String(PER_IDENTITY - i) });
      expect(rateHeaders(res).reset).toBeGreaterThan(0);
    }
    const refused = await enumerate(alice.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: expect.stringMatching(/too many requests for this identity/) });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(rateHeaders(refused)).toEqual({ limit: String(PER_IDENTITY), remaining: '0', reset: retryAfter });

    // Bob shares the address (6 requests spent of 10) but not the identity: the headers show the tighter limit.
    const other = await enumerate(bob.token);
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toMatchObject({ limit: String(PER_ADDRESS), remaining: String(PER_ADDRESS - 7) });
  });

  it('starts over when the window ends', async () => {
    nextWindow();
    for (let i = 0; i < PER_IDENTITY; i++) expect((await enumerate(alice.token)).status).toBe(200);
    const refused = await enumerate(alice.token);
    expect(refused.status).toBe(429);
    // Retry-After is the rest of the window rounded up: one second short of it is still inside the window...
    const retryAfter = Number(refused.headers.get('retry-after'));
    clock.advance((retryAfter - 1) * 1000);
    expect((await enumerate(alice.token)).status).toBe(429);
    // ...and at Retry-After the next window has begun.
    clock.advance(1000);
    const again = await enumerate(alice.token);
    expect(again.status).toBe(200);
    expect(rateHeaders(again)).toMatchObject({ remaining: String(PER_IDENTITY - 1) });
  });

  it('limits one address before authenticating, but never /health, the docs or sign-in', async () => {
    nextWindow();
    for (let i = 1; i <= PER_ADDRESS; i++) expect(rateHeaders(await tracks()).remaining).toBe(String(PER_ADDRESS - i));
    const refused = await tracks();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: expect.stringMatching(/too many requests for this address/) });
    // Limited before the token is looked at: a valid token does not help, an invalid one is not even checked.
    expect((await enumerate(bob.token)).status).toBe(429);
    expect((await enumerate('bearer not-a-token')).status).toBe(429);

    expect((await app.client.call('GET', '/health')).status).toBe(200);
    expect((await app.client.call('GET', '/health/components')).status).toBe(200);
    expect((await app.client.call('GET', '/openapi.yaml')).status).toBe(200);
    expect(await login(app.client, 'bob', bob.password)).toMatch(/^bearer /);
  });

  it("never limits the admin's reset, which clears the caller's counts so the run after it starts afresh", async () => {
    nextWindow();
    for (let i = 0; i < PER_IDENTITY; i++) expect((await enumerate(admin)).status).toBe(200);
    expect((await enumerate(admin)).status).toBe(429);
    for (let i = PER_IDENTITY + 1; i < PER_ADDRESS; i++) await tracks();
    expect((await tracks()).status).toBe(429);

    expect((await app.client.call('DELETE', '/reset', { token: admin })).status).toBe(200);
    const fresh = await loginAsAdmin(app.client);
    const res = await enumerate(fresh);
    expect(res.status).toBe(200);
    expect(rateHeaders(res)).toMatchObject({ limit: String(PER_IDENTITY), remaining: String(PER_IDENTITY - 1) });
    expect((await tracks()).status).toBe(200);
  });
});

describe('gateway rate limits switched off', () => {
  let app: GatewayTestApp;
  beforeAll(async () => {
    app = await startGatewayTestApp({ env: limits(0, 0) });
  });
  afterAll(async () => app?.close());

  it('answers every request and sends no RateLimit-* headers when both limits are 0', async () => {
    const admin = await loginAsAdmin(app.client);
    for (let i = 0; i < 30; i++) {
      const res = await app.client.call('POST', '/artifacts', { token: admin, json: [{ name: '*' }] });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

describe('gateway rate limits on Redis', () => {
  const apps: GatewayTestApp[] = [];
  beforeAll(async () => {
    // Two replicas sharing one Redis namespace (unique per run; the window keys expire on their own).
    const env = { ...limits(100, 6), CACHE_DRIVER: 'redis', REDIS_URL: testInfra.redisUrl, CACHE_KEY_PREFIX: `mg-test:rate:${process.pid}:${Date.now()}:` };
    // One clock for both, so the eight requests cannot straddle a window boundary.
    const clock = new TestClock();
    apps.push(await startGatewayTestApp({ clock, env }), await startGatewayTestApp({ clock, env }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('counts one address across two gateway instances', async () => {
    const [a, b] = apps as [GatewayTestApp, GatewayTestApp];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await a.client.call('GET', '/tracks')).status);
      statuses.push((await b.client.call('GET', '/tracks')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });
});
