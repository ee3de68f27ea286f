import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_COUNTER_CACHE, type CounterCache } from '../ports/counter-cache.port';
import { KeyedSerializer } from './keyed-serializer';

interface Scope {
  key: string;
  limit: number;
  what: string;
}

/**
 * Throttles password guessing: failed logins are counted per user name and per client address in fixed windows in
 * the shared cache (Redis when distributed); once either count reaches its limit, further attempts in that window
 * answer 429 with Retry-After *before* the password is hashed. A success clears the user's count (not the
 * address's: one valid account must not reset a spray across others).
 *
 * Attempts on the same user or address are serialised in this process, so a concurrent burst cannot slip past the
 * limit while the first failures are still being hashed (with several gateway replicas the overshoot is at most one
 * attempt per replica). Legitimate concurrent logins just queue behind each other for one hash (~50 ms) each.
 */
@Injectable()
export class LoginThrottle {
  private readonly serial = new KeyedSerializer();

  constructor(
    @Inject(GATEWAY_COUNTER_CACHE) private readonly cache: CounterCache,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs `verify` (null = wrong credentials) under the limits of this user and address; counts its failure. */
  async attempt<T>(userName: string, address: string, verify: () => Promise<T | null>): Promise<T | null> {
    const userScope = `user:${digest(userName)}`;
    const addressScope = `addr:${address.slice(0, 64)}`;
    return this.serial.run(userScope, () => this.serial.run(addressScope, () => this.throttled(userScope, addressScope, verify)));
  }

  private async throttled<T>(userScope: string, addressScope: string, verify: () => Promise<T | null>): Promise<T | null> {
    const { loginWindowSeconds, loginMaxFailuresPerUser, loginMaxFailuresPerAddress } = this.settings.auth;
    const windowMs = loginWindowSeconds * 1000;
    const now = this.clock.now();
    const window = Math.floor(now / windowMs);
    const user: Scope = { key: `gateway:login-failures:${userScope}:${window}`, limit: loginMaxFailuresPerUser, what: 'this user' };
    const scopes: Scope[] = [user, { key: `gateway:login-failures:${addressScope}:${window}`, limit: loginMaxFailuresPerAddress, what: 'this address' }];
    for (const scope of scopes) {
      if (Number(await this.cache.get(scope.key)) >= scope.limit) {
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
        throw new ClientError(429, `too many failed sign-ins for ${scope.what}; retry in ${retryAfter} s`, { 'Retry-After': String(retryAfter) }, {}, 'login-throttled');
      }
    }
    const result = await verify();
    if (result === null) {
      for (const scope of scopes) await this.cache.incr(scope.key, loginWindowSeconds);
    } else {
      await this.cache.del(user.key);
    }
    return result;
  }
}

/** Names are arbitrary (up to the request's length cap): hash them into a fixed-size cache key. */
export function digest(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}
