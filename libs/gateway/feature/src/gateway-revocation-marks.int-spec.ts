import { RedisCacheStore } from '@modelguard/cache';
import { expectEventually, testInfra } from '@modelguard/testing';
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenLedger } from './auth/token-ledger';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway-settings';
import { AuthTokenEntity } from './persistence/auth-token.entity';
import { GATEWAY_CLOCK, type Clock } from './ports/clock.port';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';

const ADMIN = 'ece30861defaultadminuser';

/** A local port nothing listens on (bound, then released): a Redis client pointed at it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const jtiOf = (token: string): string => {
  const jti = decodeJwt(token.slice('bearer '.length)).jti;
  if (jti === undefined) throw new Error('token without jti');
  return jti;
};

describe('revocations whose cache marker was not set (Redis away after the commit) are re-marked', () => {
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  let app: GatewayTestApp;
  let redis: RedisCacheStore;
  let refusing: RedisCacheStore;
  const row = (id: string) => app.dataSource.getRepository(AuthTokenEntity).findOneByOrFail({ id });
  const use = async (token: string) => {
    const res = await app.client.call<{ error?: string }>('POST', '/artifacts', { token, json: [{ name: '*' }] });
    return { status: res.status, error: (res.body as { error?: string }).error };
  };

  beforeAll(async () => {
    app = await startGatewayTestApp({ env: { CACHE_DRIVER: 'redis', REDIS_URL: testInfra.redisUrl, CACHE_KEY_PREFIX: prefix } });
    redis = new RedisCacheStore({ url: testInfra.redisUrl, keyPrefix: prefix });
    refusing = new RedisCacheStore({ url: `redis://127.0.0.1:${await closedPort()}`, keyPrefix: prefix, commandTimeoutMs: 500 });
  });
  afterAll(async () => {
    await refusing?.close();
    await redis?.close();
    await app?.close();
  });

  it('a revoke that reached the database but not the cache is marked by the reconciler, and the token is refused', async () => {
    const token = await loginAsAdmin(app.client);
    for (let i = 0; i < 2; i++) expect((await use(token)).status).toBe(200);
    // The same ledger the gateway runs, but its cache refuses: the revocation commits, the marker write fails (503).
    const ledger = new TokenLedger(app.dataSource, refusing, app.service.app.get<GatewaySettings>(GATEWAY_SETTINGS), app.service.app.get<Clock>(GATEWAY_CLOCK));
    await expect(ledger.revokeOne(ADMIN, jtiOf(token))).rejects.toThrow();
    expect((await row(jtiOf(token))).revokedAt).not.toBeNull();

    // The shared cache still held the old counter ("3"); the reconciler's 2 s loop marks the token and records it.
    await expectEventually(async () => expect((await row(jtiOf(token))).revocationMarkedAt).not.toBeNull(), { timeoutMs: 8_000, intervalMs: 100 });
    expect(Number(await redis.get(`gateway:token-uses:${jtiOf(token)}`))).toBeGreaterThanOrEqual(1e15);
    expect((await use(token)).error).toMatch(/revoked/);
  });

  it('a normal revoke records the mark at once, leaving the reconciler nothing to do', async () => {
    const token = await loginAsAdmin(app.client);
    expect((await app.client.call('DELETE', '/authenticate', { token })).status).toBe(200);
    const r = await row(jtiOf(token));
    expect(r.revokedAt).not.toBeNull();
    expect(r.revocationMarkedAt).not.toBeNull();
    expect(await app.service.app.get(TokenLedger).reconcileRevocations(500)).toBe(0);
    expect((await use(token)).error).toMatch(/revoked/);
  });

  it('ignores expired revoked rows (their JWT expiry refuses them) and marks unexpired ones', async () => {
    const repo = app.dataSource.getRepository(AuthTokenEntity);
    const base = { userName: ADMIN, usesReserved: 1, revokedAt: new Date(Date.now() - 120_000), revocationMarkedAt: null };
    const expired = { ...base, id: randomUUID(), issuedAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() - 60_000) };
    const live = { ...base, id: randomUUID(), issuedAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() + 3_600_000) };
    await repo.insert([expired, live]);
    await app.service.app.get(TokenLedger).reconcileRevocations(500);
    await expectEventually(async () => expect((await row(live.id)).revocationMarkedAt).not.toBeNull(), { timeoutMs: 8_000, intervalMs: 100 });
    expect((await row(expired.id)).revocationMarkedAt).toBeNull();
    expect(await redis.get(`gateway:token-uses:${expired.id}`)).toBeNull();
    expect(Number(await redis.get(`gateway:token-uses:${live.id}`))).toBeGreaterThanOrEqual(1e15);
  });

  it('a revocation landing while a lost counter is being restored is not overwritten by the restore', async () => {
    const token = await loginAsAdmin(app.client);
    const id = jtiOf(token);
    expect((await use(token)).status).toBe(200);
    await redis.del(`gateway:token-uses:${id}`); // the cache lost the counter: the next use restores it from the row
    const gatewayLedger = app.service.app.get(TokenLedger);
    // The real cache, with the sign-out slipped in between the restore's read of the row and its write of the
    // counter: the revocation commits and sets its mark, then the restore writes its count over it.
    let raced = false;
    const racing = {
      incr: (key: string, ttl?: number) => redis.incr(key, ttl),
      get: (key: string) => redis.get(key),
      del: (key: string) => redis.del(key),
      set: async (key: string, value: string, ttl?: number) => {
        if (!raced && Number(value) < 1e15) {
          raced = true;
          expect(await gatewayLedger.revokeOne(ADMIN, id)).toBe(true);
        }
        await redis.set(key, value, ttl);
      },
    };
    const settings = app.service.app.get<GatewaySettings>(GATEWAY_SETTINGS);
    const restoring = new TokenLedger(app.dataSource, racing, settings, app.service.app.get<Clock>(GATEWAY_CLOCK));
    const expiresAt = (await row(id)).expiresAt;
    expect(await restoring.consume(id, expiresAt)).toEqual({ ok: false, reason: 'revoked' });
    expect(raced).toBe(true);
    expect(Number(await redis.get(`gateway:token-uses:${id}`))).toBeGreaterThanOrEqual(1e15);
    expect((await use(token)).error).toMatch(/revoked/);
  });
});
