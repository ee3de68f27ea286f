import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { parsePermissions } from '@modelguard/domain';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, JWT_AUDIENCE, JWT_ISSUER, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_USE_COUNTER, type UseCounter } from '../ports/use-counter.port';
import type { RequestActor } from './actor';

const ALGORITHM = 'HS256';

/**
 * Issues and checks bearer tokens: HS256 JWTs with the algorithm pinned (alg=none and every other alg are refused by
 * jose because we pass `algorithms`), bound to our issuer/audience, expiring after auth.tokenTtlSeconds and usable at
 * most auth.tokenMaxUses times (counted per token id in the cache).
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_USE_COUNTER) private readonly uses: UseCounter,
  ) {
    this.key = new TextEncoder().encode(settings.auth.jwtSecret);
  }

  async issue(actor: RequestActor): Promise<string> {
    const jwt = await new SignJWT({ adm: actor.isAdmin, perms: actor.permissions })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(actor.name)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.settings.auth.tokenTtlSeconds}s`)
      .sign(this.key);
    return `bearer ${jwt}`;
  }

  /** Verifies an X-Authorization value and counts one use. Any failure is a 403 (spec: "Authentication failed"). */
  async authenticate(header: string | undefined): Promise<RequestActor> {
    if (header === undefined || header.trim().length === 0) throw new ClientError(403, 'missing X-Authorization token');
    const raw = header.trim().replace(/^bearer\s+/i, '');
    if (raw.length > 4096) throw new ClientError(403, 'invalid authentication token');
    let payload;
    try {
      ({ payload } = await jwtVerify(raw, this.key, { algorithms: [ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }));
    } catch {
      throw new ClientError(403, 'invalid or expired authentication token');
    }
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      throw new ClientError(403, 'invalid authentication token');
    }
    const ttl = Math.max(1, payload.exp - Math.floor(Date.now() / 1000));
    const used = await this.uses.incr(`gateway:token-uses:${payload.jti}`, ttl);
    if (used > this.settings.auth.tokenMaxUses) throw new ClientError(403, 'authentication token has exceeded its maximum number of uses');
    const perms = Array.isArray(payload['perms']) ? payload['perms'] : [];
    return {
      name: payload.sub,
      isAdmin: payload['adm'] === true,
      permissions: parsePermissions(perms),
    };
  }
}
