import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_NAME } from './auth/actor';
import { UserEntity } from './persistence/user.entity';
import { login, registerUser, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

/** Issue 10 point 1 over real HTTP and Postgres: accounts, several tokens per user, revocation, object ownership. */
describe('gateway users and permissions', () => {
  let app: GatewayTestApp;
  let admin: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const register = (name: string, permissions: Parameters<typeof registerUser>[3]) => registerUser(app.client, admin, name, permissions);
  const statusWith = async (token: string) => (await call('POST', '/artifacts', { token, json: [{ name: '*' }] })).status;

  beforeAll(async () => {
    app = await startGatewayTestApp();
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  it('lets only admins register users, stores only an scrypt hash, and refuses bad registrations with the reason', async () => {
    const created = await call('POST', '/users', { token: admin, json: { user: { name: 'alice', is_admin: false }, secret: { password: 'alice-password' }, permissions: ['upload', 'search'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'alice', is_admin: false, permissions: ['upload', 'search'] });
    const row = await app.dataSource.getRepository(UserEntity).findOneByOrFail({ name: 'alice' });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain('alice-password');

    const alice = await login(app.client, 'alice', 'alice-password');
    expect((await call('POST', '/users', { token: alice, json: { user: { name: 'eve' }, secret: { password: 'eve-password' }, permissions: ['admin'] } })).status).toBe(401);
    expect((await call('GET', '/users', { token: alice })).status).toBe(401);
    const again = await call<{ error: string }>('POST', '/users', { token: admin, json: { user: { name: 'alice' }, secret: { password: 'another-password' } } });
    expect(again.status).toBe(409);

    const bad = async (json: unknown) => {
      const res = await call<{ error: string }>('POST', '/users', { token: admin, json });
      expect(res.status).toBe(400);
      return res.body.error;
    };
    expect(await bad({ user: { name: 'x'.repeat(100_000) }, secret: { password: 'long-enough' } })).toMatch(/at most 128 characters/);
    expect(await bad({ user: { name: 'mallory' }, secret: { password: 'long-enough' }, permissions: ['root'] })).toMatch(/unknown permission/);
    expect(await bad({ user: { name: 'mallory' }, secret: { password: 'short' } })).toMatch(/8 to 1024/);
    expect(await bad({ user: { name: 'a/b' }, secret: { password: 'long-enough' } })).toMatch(/without "\/"/);

    const users = await call<{ name: string }[]>('GET', '/users', { token: admin });
    expect(users.body.map((u) => u.name)).toEqual([DEFAULT_ADMIN_NAME, 'alice']);
  });

  it('refuses a 100 KB user name at sign-in and in a path with a clear 4xx', async () => {
    const signIn = await call<{ error: string }>('PUT', '/authenticate', { json: { user: { name: 'n'.repeat(100_000), is_admin: false }, secret: { password: 'x' } } });
    expect(signIn.status).toBe(400);
    expect(signIn.body.error).toMatch(/1 to 128 characters/);
    expect((await call('GET', `/users/${'n'.repeat(10_000)}`, { token: admin })).status).toBe(400);
    // Beyond Node's 16 KiB header limit the HTTP parser itself refuses the request line; the registry stays up.
    const huge = await fetch(`${app.service.url}/users/${'n'.repeat(100_000)}`, { headers: { 'X-Authorization': admin } });
    expect(huge.status).toBe(431);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('lets a user read and delete only their own account, an admin any; deletion revokes every token of it', async () => {
    const bob = await register('bob', ['search']);
    const carol = await register('carol', ['download']);
    const bobAgain = await login(app.client, 'bob', bob.password);
    expect(await statusWith(bobAgain)).toBe(200); // several live tokens per user
    expect((await call('GET', '/users/bob', { token: bob.token })).status).toBe(200);
    expect((await call('GET', '/users/carol', { token: bob.token })).status).toBe(403);
    expect((await call('GET', '/users/nobody-at-all', { token: bob.token })).status).toBe(403);
    expect((await call('DELETE', '/users/carol', { token: bob.token })).status).toBe(403);
    expect((await call('GET', '/users/carol', { token: admin })).body).toMatchObject({ name: 'carol', permissions: ['download'] });

    const deleted = await call('DELETE', '/users/bob', { token: bob.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ name: 'bob', revoked_tokens: 2 });
    for (const token of [bob.token, bobAgain]) {
      const res = await call<{ error: string }>('POST', '/artifacts', { token, json: [{ name: '*' }] });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/revoked/);
    }
    expect((await call('PUT', '/authenticate', { json: { user: { name: 'bob', is_admin: false }, secret: { password: bob.password } } })).status).toBe(401);

    expect((await call('DELETE', '/users/carol', { token: admin })).body).toEqual({ name: 'carol', revoked_tokens: 1 });
    expect(await statusWith(carol.token)).toBe(403);
    expect((await call('DELETE', '/users/nobody-at-all', { token: admin })).status).toBe(404);
    expect((await call('DELETE', `/users/${DEFAULT_ADMIN_NAME}`, { token: admin })).status).toBe(409);
  });

  it('signs out one token, lets admins revoke one or all of a user\'s tokens, and lists tokens with their use counts', async () => {
    const dave = await register('dave', ['search']);
    const second = await login(app.client, 'dave', dave.password);
    for (let i = 0; i < 3; i++) expect(await statusWith(second)).toBe(200);
    const listing = await call<{ id: string; uses: number; max_uses: number; revoked: boolean }[]>('GET', '/users/dave/tokens', { token: dave.token });
    expect(listing.body).toHaveLength(2);
    expect(listing.body.map((t) => t.uses)).toEqual([3, 1]); // newest first; the listing call itself used dave.token
    expect(listing.body[0]!.max_uses).toBe(1000);

    expect((await call('DELETE', '/authenticate', { token: dave.token })).body).toEqual({ revoked_tokens: 1 });
    expect(await statusWith(dave.token)).toBe(403);
    expect(await statusWith(second)).toBe(200);

    const erin = await register('erin', ['search']);
    expect((await call('DELETE', '/users/dave/tokens', { token: erin.token })).status).toBe(403);
    expect((await call('DELETE', `/users/dave/tokens/${listing.body[0]!.id}`, { token: erin.token })).status).toBe(403);
    expect((await call('DELETE', `/users/dave/tokens/${listing.body[0]!.id}`, { token: admin })).body).toEqual({ revoked_tokens: 1 });
    expect(await statusWith(second)).toBe(403);
    expect((await call('DELETE', `/users/dave/tokens/${listing.body[0]!.id}`, { token: admin })).status).toBe(404);

    const third = await login(app.client, 'dave', dave.password);
    const fourth = await login(app.client, 'dave', dave.password);
    expect((await call('DELETE', '/users/dave/tokens', { token: admin })).body).toEqual({ revoked_tokens: 2 });
    expect([await statusWith(third), await statusWith(fourth)]).toEqual([403, 403]);
    expect(await statusWith(erin.token)).toBe(200);
  });

  it('reset deletes every account but the default admin and revokes their tokens; the admin stays signed in', async () => {
    const henry = await register('henry', ['search']);
    expect((await call('DELETE', '/reset', { token: admin })).status).toBe(200);
    const refused = await call<{ error: string }>('POST', '/artifacts', { token: henry.token, json: [{ name: '*' }] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/revoked/);
    expect(await statusWith(admin)).toBe(200);
    expect((await call<{ name: string }[]>('GET', '/users', { token: admin })).body.map((u) => u.name)).toEqual([DEFAULT_ADMIN_NAME]);
  });

  describe('object ownership (no IDOR)', () => {
    let up1: Session;
    let up2: Session;
    let n = 0;
    const create = async (token: string) => {
      const res = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: `https://huggingface.co/owner-test/model-${++n}` } });
      expect(res.status).toBe(201);
      return res.body;
    };
    const update = (token: string, a: CreatedArtifact) =>
      call('PUT', `/artifacts/model/${a.metadata.id}`, { token, json: { metadata: a.metadata, data: { url: `https://huggingface.co/owner-test/model-${++n}` } } });

    beforeAll(async () => {
      up1 = await register('uploader-one', ['upload', 'search']);
      up2 = await register('uploader-two', ['upload', 'search']);
    });

    it('refuses an upload-only token that updates or deletes the admin\'s or another user\'s artifact (403)', async () => {
      const adminsArtifact = await create(admin);
      const ones = await create(up1.token);
      for (const target of [adminsArtifact, ones]) {
        const refused = await call<{ error: string }>('DELETE', `/artifacts/model/${target.metadata.id}`, { token: up2.token });
        expect(refused.status).toBe(403);
        expect(refused.body.error).toMatch(/owner or an admin/);
        expect((await update(up2.token, target)).status).toBe(403);
        const zip = await buildZip({ 'README.md': 'hijack' });
        const upload = await call('PUT', `/artifacts/model/${target.metadata.id}/package`, { token: up2.token, rawBody: zip, contentType: 'application/zip' });
        expect(upload.status).toBe(403);
        expect((await call('GET', `/artifacts/model/${target.metadata.id}`, { token: up2.token })).status).toBe(200);
      }
      expect((await update(up1.token, ones)).status).toBe(200);
      expect((await call('DELETE', `/artifacts/model/${ones.metadata.id}`, { token: up1.token })).status).toBe(200);
      expect((await call('DELETE', `/artifacts/model/${adminsArtifact.metadata.id}`, { token: up1.token })).status).toBe(403);
    });

    it('lets admins change anyone\'s artifact, and hands a deleted user\'s artifacts to the admins only', async () => {
      const a = await create(up2.token);
      const b = await create(up2.token);
      expect((await update(admin, a)).status).toBe(200);
      expect((await call('DELETE', `/artifacts/model/${a.metadata.id}`, { token: admin })).status).toBe(200);

      expect((await call('DELETE', '/users/uploader-two', { token: admin })).status).toBe(200);
      const reborn = await register('uploader-two', ['upload']);
      expect((await call('DELETE', `/artifacts/model/${b.metadata.id}`, { token: reborn.token })).status).toBe(403);
      expect((await call('DELETE', `/artifacts/model/${b.metadata.id}`, { token: admin })).status).toBe(200);
    });
  });
});
