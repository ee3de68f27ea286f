import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { spawnService, type SpawnedService } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../e2e-kafka/support/build-once';
import { createDistributedRun, type DistributedRun } from '../e2e-kafka/support/distributed-env';
import { RegistryClient } from '../e2e/support/registry-client';
import { figure, sleep } from './support/cluster';
import { errorLines, get } from './support/gateway-load';
import { startPrivateRedis } from './support/side-stores';

/** Short tokens, so one expires while Redis is away (the other is signed in later and outlives the outage); a small identity limit, so the window is seen to fill. */
const TTL_S = 20;
/** The second token is signed in this long before the first expires: it outlives the outage by about TTL_S - this. */
const LIVE_LEAD_MS = 5_000;
const PER_IDENTITY = 20;
const PROBE = '/artifact/byName/no-such-artifact';

const jti = (token: string) => (JSON.parse(Buffer.from(token.replace(/^bearer\s+/i, '').split('.')[1], 'base64url').toString()) as { jti: string }).jti;

describe('Redis restarted (a private redis-server, no persistence): token counts and rate limits degrade as documented', () => {
  let run: DistributedRun;
  let gateway: SpawnedService | undefined;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
    redis = await startPrivateRedis();
  });

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await redis?.stop();
    await run?.dispose();
  });

  it('refuses with 503 + Retry-After while Redis is away, never lets an expired or revoked token through, and resumes counts from the database', async () => {
    if (!redis) throw new Error('no redis');
    await run.startAtEnd('gateway');
    gateway = await spawnService('gateway', run.envFor('gateway', {
      CACHE_DRIVER: 'redis', REDIS_URL: redis.url, CACHE_KEY_PREFIX: `rr-${run.id}:`,
      AUTH_TOKEN_TTL_SECONDS: String(TTL_S), GATEWAY_RATE_LIMIT_PER_IDENTITY: String(PER_IDENTITY), GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '3600',
    }));
    const url = gateway.url;
    const login = () => new RegistryClient(url).login();
    const statuses = async (token: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await get(url, token, PROBE)).status);
      return out;
    };
    const usesOf = async (viewer: string, token: string) => {
      const res = await fetch(`${url}/users/${DEFAULT_ADMIN_NAME}/tokens`, { headers: { 'x-authorization': viewer } });
      const body = (await res.json()) as unknown;
      if (!Array.isArray(body)) return `${res.status} ${JSON.stringify(body)}`;
      return (body as { id: string; uses: number }[]).find((r) => r.id === jti(token))?.uses;
    };

    // Redis up: the identity window fills (20 answered, then 429), a signed-out token is refused.
    const expiring = await login();
    const expiresAt = Date.now() + TTL_S * 1000;
    const revoked = await login();
    // Signing out is itself a limited request: it takes one of the identity's window.
    expect((await fetch(`${url}/authenticate`, { method: 'DELETE', headers: { 'x-authorization': revoked } })).status).toBe(200);
    const revokedBefore = (await get(url, revoked, PROBE)).status;
    const filling = await statuses(expiring, PER_IDENTITY + 1);
    await sleep(Math.max(0, expiresAt - LIVE_LEAD_MS - Date.now()));
    const live = await login();
    // Five uses of a second token of the same user: refused 429 (the window is full) but counted as uses.
    const liveBefore = await statuses(live, 5);

    // Redis away: every request that needs a count is refused with 503 + Retry-After (fail closed).
    await redis.stop();
    const down = { live: [] as { status: number; retryAfter: string | null }[], revoked: [] as number[], expired: [] as number[] };
    for (let i = 0; i < 3; i += 1) down.live.push(await get(url, live, PROBE));
    down.revoked.push((await get(url, revoked, PROBE)).status);
    // Wait, Redis still away, until `expiring` is past its expiry, then present it.
    while (Date.now() < expiresAt + 1_000) {
      down.expired.push((await get(url, expiring, PROBE)).status);
      await sleep(500);
    }
    const loginWhileDown = (await fetch(`${url}/authenticate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: 'x' } }) })).status;

    // Redis back, empty: the gateway reconnects by itself; counters resume from the database's reserved bound.
    await redis.start();
    const back = Date.now();
    let firstOk = 0;
    while (firstOk === 0 && Date.now() - back < 15_000) {
      if ((await get(url, live, PROBE)).status === 404) firstOk = Date.now() - back;
      else await sleep(100);
    }
    const liveUses = await usesOf(live, live);
    const revokedAfter = (await get(url, revoked, PROBE)).status;
    const expiredAfter = (await get(url, expiring, PROBE)).status;
    // The forgotten window: the identity gets a fresh PER_IDENTITY (two were used above), then 429 again.
    const refilling = await statuses(live, PER_IDENTITY);

    figure('redis restart: window before the outage', `${filling.filter((s) => s === 404).length} answered, then ${filling.filter((s) => s === 429).length}x 429 (limit ${PER_IDENTITY}/identity)`);
    figure('redis restart: while away', `live token ${JSON.stringify(down.live.map((d) => `${d.status}/Retry-After ${d.retryAfter}`))}, signed-out token ${JSON.stringify(down.revoked)}, token past its expiry ${JSON.stringify([...new Set(down.expired)])} (${down.expired.length} tries), sign-in ${loginWhileDown}`);
    figure('redis restart: back', `first request served ${(firstOk / 1000).toFixed(1)}s after redis-server started; live token's use count resumed at ${liveUses ?? 'unknown'} (5 uses made before)`);
    figure('redis restart: after', `signed-out token ${revokedAfter}, expired token ${expiredAfter}, fresh window ${JSON.stringify(tallyOf(refilling))}`);
    if (down.live.some((d) => d.status === 500) || firstOk === 0) console.info(errorLines(gateway, 8).join('\n'));

    expect(filling).toEqual([...Array<number>(PER_IDENTITY - 1).fill(404), 429, 429]);
    expect(revokedBefore).toBe(403);
    expect(liveBefore).toEqual([429, 429, 429, 429, 429]);
    // Away: 503 with Retry-After, never 2xx/404 (served) and never 500.
    expect(down.live.every((d) => d.status === 503 && /^\d+$/.test(d.retryAfter ?? ''))).toBe(true);
    expect(down.revoked.every((s) => s === 403 || s === 503)).toBe(true);
    expect(down.expired.every((s) => s === 403 || s === 503)).toBe(true);
    expect(loginWhileDown).not.toBe(500);
    // Back: served again without a gateway restart; a count lost with Redis resumes above the uses granted.
    expect(firstOk).toBeGreaterThan(0);
    expect(typeof liveUses === 'number' && liveUses >= 5).toBe(true);
    expect(revokedAfter).toBe(403);
    expect(expiredAfter).toBe(403);
    // A window count lost with Redis starts afresh (the documented cost of a restart), and still ends in 429.
    expect(refilling.slice(0, PER_IDENTITY - 2).every((s) => s === 404)).toBe(true);
    expect(refilling.slice(PER_IDENTITY - 2)).toEqual([429, 429]);
  });
});

function tallyOf(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}
