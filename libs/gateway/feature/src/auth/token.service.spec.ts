import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { MemoryUseCounter } from '../adapters/memory-use-counter.adapter';
import { ClientError } from '../domain/client-error';
import { JWT_AUDIENCE, JWT_ISSUER, type GatewaySettings } from '../gateway-settings';
import { TokenService } from './token.service';
import { hashPassword, verifyPassword } from './password-hasher';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
function service(maxUses = 1000, ttl = 3600): TokenService {
  const settings = { auth: { jwtSecret: SECRET, tokenTtlSeconds: ttl, tokenMaxUses: maxUses } } as GatewaySettings;
  return new TokenService(settings, new MemoryUseCounter());
}
const admin = { name: 'root', isAdmin: true, permissions: ['admin' as const] };

async function expect403(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(ClientError);
  await expect(p).rejects.toMatchObject({ status: 403 });
}

describe('TokenService', () => {
  it('issues "bearer <jwt>" tokens that authenticate back to the actor', async () => {
    const tokens = service();
    const token = await tokens.issue(admin);
    expect(token).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(tokens.authenticate(token)).resolves.toEqual(admin);
    await expect(tokens.authenticate(token.replace('bearer ', ''))).resolves.toEqual(admin);
  });

  it('rejects missing, garbage and tampered tokens', async () => {
    const tokens = service();
    await expect403(tokens.authenticate(undefined));
    await expect403(tokens.authenticate('bearer not.a.jwt'));
    const token = await tokens.issue(admin);
    const [h, , s] = token.slice(7).split('.');
    const forgedPayload = base64url.encode(JSON.stringify({ sub: 'root', adm: true, jti: 'x', exp: 9e9, iss: JWT_ISSUER, aud: JWT_AUDIENCE }));
    await expect403(tokens.authenticate(`bearer ${h}.${forgedPayload}.${s}`));
  });

  it('rejects alg=none, other algorithms, other secrets, issuers and audiences', async () => {
    const tokens = service();
    const claims = base64url.encode(JSON.stringify({ sub: 'root', adm: true, jti: 'j', iss: JWT_ISSUER, aud: JWT_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }));
    await expect403(tokens.authenticate(`bearer ${base64url.encode('{"alg":"none","typ":"JWT"}')}.${claims}.`));
    const key = new TextEncoder().encode(SECRET);
    const build = (alg: string, iss = JWT_ISSUER, aud = JWT_AUDIENCE, k = key): Promise<string> =>
      new SignJWT({ adm: true }).setProtectedHeader({ alg }).setSubject('root').setJti('j').setIssuer(iss).setAudience(aud).setExpirationTime('1h').sign(k);
    await expect403(tokens.authenticate(await build('HS512')));
    await expect403(tokens.authenticate(await build('HS256', 'someone-else')));
    await expect403(tokens.authenticate(await build('HS256', JWT_ISSUER, 'other-audience')));
    await expect403(tokens.authenticate(await build('HS256', JWT_ISSUER, JWT_AUDIENCE, new TextEncoder().encode('another-secret-another-secret-xx'))));
    await expect(tokens.authenticate(await build('HS256'))).resolves.toMatchObject({ name: 'root' });
  });

  it('rejects expired tokens', async () => {
    const key = new TextEncoder().encode(SECRET);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('root').setJti('j').setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(key);
    await expect403(service().authenticate(expired));
  });

  it('caps the number of uses per token', async () => {
    const tokens = service(3);
    const token = await tokens.issue(admin);
    for (let i = 0; i < 3; i++) await tokens.authenticate(token);
    await expect(tokens.authenticate(token)).rejects.toThrow(/maximum number of uses/);
    await expect(tokens.authenticate(await tokens.issue(admin))).resolves.toBeTruthy();
  });
});

describe('password hashing', () => {
  it('verifies the right password only and salts every hash', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$')).toBe(true);
    await expect(verifyPassword('correct horse', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'garbage')).resolves.toBe(false);
  });
});
