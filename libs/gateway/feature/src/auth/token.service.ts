import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { parsePermissions } from '@modelguard/domain';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, JWT_AUDIENCE, JWT_ISSUER, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import type { RequestActor } from './actor';
import { TokenLedger } from './token-ledger';

const ALGORITHM = 'HS256';
/** Our token ids are UUIDs; anything else in a correctly signed token is refused before it reaches the cache. */
const TOKEN_ID = /^[0-9a-f-]{36}$/;
/**
 * Signature checks remembered per raw token. jose verifies HS256 through WebCrypto, a thread-pool round trip per
 * request that the profile of 14 concurrent /rate calls showed as about a tenth of the gateway's CPU time plus a
 * queueing hop. A token's signature and claims never change, so a verified token is remembered; its expiry is still
 * checked on every use, and revocation and use counts are the ledger's job, which runs on every request anyway.
 */
const VERIFIED_CACHE_SIZE = 10_000;

/** The caller plus the id of the token it presented (logout revokes exactly that one). */
export interface AuthenticatedActor extends RequestActor {
  tokenId: string;
  /** Set for a deployment token: it may read only this alias of this model (the AuthGuard enforces it). */
  deployment?: DeploymentScope;
}

/** The claim of an alias-scoped deployment token (releases/deployment-tokens.controller.ts). */
export interface DeploymentScope {
  artifactId: string;
  alias: string;
}

const SCOPE_PART = /^[a-z0-9-]{1,64}$/i;

function scopeOf(claim: unknown): DeploymentScope | undefined {
  if (typeof claim !== 'object' || claim === null) return undefined;
  const { a, al } = claim as Record<string, unknown>;
  // A malformed scope in a correctly signed token is refused, never read as "no scope" (which would widen it).
  if (typeof a !== 'string' || typeof al !== 'string' || !SCOPE_PART.test(a) || !SCOPE_PART.test(al)) throw new ClientError(403, 'invalid authentication token', {}, {}, 'invalid-token');
  return { artifactId: a, alias: al };
}

/**
 * Issues and checks bearer tokens: HS256 JWTs with the algorithm pinned (alg=none and every other alg are refused by
 * jose because we pass `algorithms`), bound to our issuer/audience, expiring after auth.tokenTtlSeconds, usable at
 * most auth.tokenMaxUses times and revocable (token-ledger.ts). Every failure is a 403 (the spec's "Authentication
 * failed") whose message says which check failed.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  /** Raw token → verified payload, least recently used first (a Map keeps insertion order). */
  private readonly verified = new Map<string, JWTPayload>();

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    private readonly ledger: TokenLedger,
  ) {
    this.key = new TextEncoder().encode(settings.auth.jwtSecret);
  }

  /** A deployment token passes `deployment` (its scope, kept in the claims) and may live for its own `ttlSeconds`. */
  async issue(actor: RequestActor, deployment?: DeploymentScope, ttlSeconds?: number): Promise<string> {
    const now = this.clock.now();
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + (ttlSeconds ?? this.settings.auth.tokenTtlSeconds);
    const id = randomUUID();
    const claims = deployment === undefined ? {} : { dep: { a: deployment.artifactId, al: deployment.alias } };
    const jwt = await new SignJWT({ adm: actor.isAdmin, perms: actor.permissions, ...claims })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(actor.name)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setJti(id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    await this.ledger.record({ id, userName: actor.name, issuedAt: new Date(now), expiresAt: new Date(expiresAt * 1000) });
    return `bearer ${jwt}`;
  }

  /** Verifies an X-Authorization value and counts one use of it. */
  async authenticate(header: string | undefined): Promise<AuthenticatedActor> {
    if (header === undefined || header.trim().length === 0) throw new ClientError(403, 'missing X-Authorization token', {}, {}, 'unauthenticated');
    const raw = header.trim().replace(/^bearer\s+/i, '');
    if (raw.length > 4096) throw new ClientError(403, 'invalid authentication token', {}, {}, 'invalid-token');
    const payload = await this.verify(raw);
    const { sub, jti, exp } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || !TOKEN_ID.test(jti) || typeof exp !== 'number') {
      throw new ClientError(403, 'invalid authentication token', {}, {}, 'invalid-token');
    }
    const use = await this.ledger.consume(jti, new Date(exp * 1000));
    if (!use.ok) throw new ClientError(403, refusal(use.reason, this.settings.auth.tokenMaxUses), {}, {}, 'invalid-token');
    const perms = Array.isArray(payload['perms']) ? payload['perms'] : [];
    const deployment = payload['dep'] === undefined ? undefined : scopeOf(payload['dep']);
    return { name: sub, isAdmin: payload['adm'] === true, permissions: parsePermissions(perms), tokenId: jti, ...(deployment ? { deployment } : {}) };
  }

  private async verify(raw: string): Promise<JWTPayload> {
    const known = this.verified.get(raw);
    if (known !== undefined) {
      if ((known.exp ?? 0) * 1000 <= this.clock.now()) {
        this.verified.delete(raw);
        throw new ClientError(403, 'authentication token has expired; sign in again', {}, {}, 'invalid-token');
      }
      this.verified.delete(raw);
      this.verified.set(raw, known);
      return known;
    }
    const payload = await this.verifySignature(raw);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(raw, payload);
    return payload;
  }

  private async verifySignature(raw: string): Promise<JWTPayload> {
    try {
      const options = { algorithms: [ALGORITHM], issuer: JWT_ISSUER, audience: JWT_AUDIENCE, currentDate: new Date(this.clock.now()) };
      return (await jwtVerify(raw, this.key, options)).payload;
    } catch (error: unknown) {
      if (error instanceof errors.JWTExpired) throw new ClientError(403, 'authentication token has expired; sign in again', {}, {}, 'invalid-token');
      throw new ClientError(403, 'invalid authentication token', {}, {}, 'invalid-token');
    }
  }
}

function refusal(reason: 'revoked' | 'used up' | 'unknown', maxUses: number): string {
  switch (reason) {
    case 'revoked':
      return 'authentication token has been revoked; sign in again';
    case 'used up':
      return `authentication token has exceeded its maximum number of uses (${maxUses}); sign in again`;
    case 'unknown':
      return 'authentication token is not known to this registry (revoked or from before a reset); sign in again';
  }
}
