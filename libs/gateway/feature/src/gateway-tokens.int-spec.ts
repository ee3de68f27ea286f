import { RedisCacheStore } from '@modelguard/cache';
import { clusterTemplateRoot, startEmbeddedPostgres } from '@modelguard/persistence';
import { dropSchemas, testInfra } from '@modelguard/testing';
import { SignJWT, base64url, decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_AUDIENCE, JWT_ISSUER } from './gateway-settings';
import { TokenService } from './auth/token.service';
import { AuthTokenEntity } from './persistence/auth-token.entity';
import { TestClock } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp, type GatewayTestAppOptions } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';

const SECRET = 'test-secret-test-secret-test-secret-0123456789'; // serviceTestEnv's JWT_SECRET
const MAX_USES = 5;
const TEN_HOURS_S = 36_000;

/** One authenticated request; answers its status and error message. */
async function use(app: GatewayTestApp, token: string): Promise<{ status: number; error?: string }> {
  const res = await app.client.call<{ error?: string }>('POST', '/artifacts', { token, json: [{ name: '*' }] });
  return { status: res.status, error: (res.body as { error?: string }).error };
}

/** Uses a token until it is refused (at most `limit` times); answers how many uses succeeded. */
async function useUntilRefused(app: GatewayTestApp, token: string, limit = 50): Promise<number> {
  for (let i = 0; i < limit; i++) if ((await use(app, token)).status !== 200) return i;
  return limit;
}

function sign(claims: Record<string, unknown>, opts: { alg?: string; secret?: string; iss?: string; aud?: string; jti?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .setSubject('ece30861defaultadminuser')
    .setJti(opts.jti ?? randomUUID())
    .setIssuer(opts.iss ?? JWT_ISSUER)
    .setAudience(opts.aud ?? JWT_AUDIENCE)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(opts.secret ?? SECRET))
    .then((jwt) => `bearer ${jwt}`);
}

describe('gateway tokens', () => {
  describe('lifecycle', () => {
    let app: GatewayTestApp;
    const clock = new TestClock();
    beforeAll(async () => {
      app = await startGatewayTestApp({ clock, env: { AUTH_TOKEN_MAX_USES: String(MAX_USES) } });
    });
    afterAll(async () => app?.close());

    it('refuses forged, alg=none, foreign and unrecorded tokens with 403 and the reason', async () => {
      const claims = { adm: true, perms: ['admin'] };
      const none = `bearer ${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify({ sub: 'x', adm: true, exp: 9e9 }))}.`;
      for (const token of [
        'bearer garbage',
        none,
        await sign(claims, { alg: 'HS512' }),
        await sign(claims, { secret: 'another-secret-another-secret-another' }),
        await sign(claims, { iss: 'someone-else' }),
        await sign(claims, { aud: 'another-registry' }),
      ]) {
        expect(await use(app, token), token.slice(0, 60)).toEqual({ status: 403, error: 'invalid authentication token' });
      }
      // Correctly signed (a leaked secret, or a token from before a reset) but never issued: refused too.
      const unrecorded = await use(app, await sign(claims));
      expect(unrecorded.status).toBe(403);
      expect(unrecorded.error).toMatch(/not known to this registry/);
    });

    it(`counts uses: the ${MAX_USES + 1}th request with a token is refused, a new sign-in gives a fresh token`, async () => {
      const token = await loginAsAdmin(app.client);
      expect(await useUntilRefused(app, token)).toBe(MAX_USES);
      expect((await use(app, token)).error).toMatch(/exceeded its maximum number of uses \(5\)/);
      expect((await use(app, await loginAsAdmin(app.client))).status).toBe(200);
    });

    it('mints no token for an account that no longer exists (a sign-in racing the account\'s deletion)', async () => {
      const tokens = app.service.app.get(TokenService);
      await expect(tokens.issue({ name: 'deleted-meanwhile', isAdmin: false, permissions: ['search'] })).rejects.toMatchObject({ status: 401 });
      expect(await app.dataSource.getRepository(AuthTokenEntity).countBy({ userName: 'deleted-meanwhile' })).toBe(0);
    });

    it('expires tokens after 10 hours whatever their use count (injected clock)', async () => {
      const token = await loginAsAdmin(app.client);
      clock.advance((TEN_HOURS_S - 1) * 1000);
      expect((await use(app, token)).status).toBe(200);
      clock.advance(2000);
      expect(await use(app, token)).toEqual({ status: 403, error: 'authentication token has expired; sign in again' });
    });
  });

  describe('use counts and revocations survive restarts', () => {
    const schemas: string[] = [];
    const running: GatewayTestApp[] = [];
    const start = async (opts: GatewayTestAppOptions) => {
      const app = await startGatewayTestApp({ ...opts, keepSchema: true, env: { AUTH_TOKEN_MAX_USES: String(MAX_USES), ...opts.env } });
      if (!schemas.includes(app.schema)) schemas.push(app.schema);
      running.push(app);
      return app;
    };
    const stop = async (app: GatewayTestApp) => {
      running.splice(running.indexOf(app), 1);
      await app.close();
    };
    afterAll(async () => {
      for (const app of running) await app.close();
      await dropSchemas(testInfra.databaseUrl, schemas);
    });

    it('embedded mode (in-process cache): a used-up or revoked token stays refused after a restart, a used one gains no uses', async () => {
      const before = await start({});
      const usedUp = await loginAsAdmin(before.client);
      const revoked = await loginAsAdmin(before.client);
      const used = await loginAsAdmin(before.client);
      expect(await useUntilRefused(before, usedUp)).toBe(MAX_USES);
      expect((await before.client.call('DELETE', '/authenticate', { token: revoked })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await use(before, used)).status).toBe(200);
      await stop(before);

      const after = await start({ schema: before.schema });
      expect((await use(after, usedUp)).error).toMatch(/maximum number of uses/);
      expect((await use(after, revoked)).error).toMatch(/revoked/);
      // 2 of 5 uses were spent: after the restart it may lose some of the other 3 (fail safe), never gain any.
      const remaining = await useUntilRefused(after, used);
      expect(remaining).toBeGreaterThanOrEqual(1);
      expect(remaining).toBeLessThanOrEqual(MAX_USES - 2);
    });

    it('embedded mode on PGlite, with the database restarted too: used-up and revoked tokens stay refused', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'gateway-pglite-'));
      let postgres = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
      try {
        const before = await start({ env: { DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: '3' } });
        schemas.splice(schemas.indexOf(before.schema), 1); // lives in PGlite, not in the shared test database
        const usedUp = await loginAsAdmin(before.client);
        const revoked = await loginAsAdmin(before.client);
        expect(await useUntilRefused(before, usedUp)).toBe(MAX_USES);
        expect((await before.client.call('DELETE', '/authenticate', { token: revoked })).status).toBe(200);
        await stop(before);
        await postgres.stop();

        postgres = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
        const after = await start({ schema: before.schema, env: { DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: '3' } });
        expect((await use(after, usedUp)).error).toMatch(/maximum number of uses/);
        expect((await use(after, revoked)).error).toMatch(/revoked/);
        expect((await use(after, await loginAsAdmin(after.client))).status).toBe(200);
        await stop(after);
      } finally {
        await postgres.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 90_000); // PGlite creates and reopens its database twice: 10 s here, over 30 s on a loaded 2-core machine

    it('distributed mode (Redis): replicas share one count, and a Redis that lost the counters revives nothing', async () => {
      const prefix = `test:${randomUUID().slice(0, 8)}:`;
      const env = { CACHE_DRIVER: 'redis', REDIS_URL: testInfra.redisUrl, CACHE_KEY_PREFIX: prefix, AUTH_TOKEN_MAX_USES: '60' };
      const one = await start({ env });
      const two = await start({ env, schema: one.schema });
      const shared = await loginAsAdmin(one.client);
      let granted = 0;
      for (let i = 0; i < 70; i++) if ((await use(i % 2 === 0 ? one : two, shared)).status === 200) granted += 1;
      expect(granted).toBe(60);

      const revoked = await loginAsAdmin(two.client);
      expect((await one.client.call('DELETE', '/authenticate', { token: revoked })).status).toBe(200);
      const partly = await loginAsAdmin(one.client);
      for (let i = 0; i < 30; i++) expect((await use(two, partly)).status).toBe(200);
      // The durable bound runs ahead of the count by at most two blocks (60 uses → blocks of 1), never behind it.
      const row = await one.dataSource.getRepository(AuthTokenEntity).findOneByOrFail({ id: decodeJwt(partly.slice(7)).jti! });
      expect(row.usesReserved).toBeGreaterThanOrEqual(30);

      const redis = new RedisCacheStore({ url: testInfra.redisUrl, keyPrefix: prefix });
      try {
        for (const token of [shared, revoked, partly]) await redis.del(`gateway:token-uses:${decodeJwt(token.slice(7)).jti}`);
      } finally {
        await redis.close();
      }
      expect((await use(one, shared)).error).toMatch(/maximum number of uses/);
      expect((await use(two, revoked)).error).toMatch(/revoked/);
      const remaining = await useUntilRefused(one, partly, 100);
      expect(remaining).toBeGreaterThanOrEqual(1);
      expect(remaining).toBeLessThanOrEqual(60 - 30);
    });
  });
});
