import { qualifiedTable } from '@modelguard/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, Not } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { AuthTokenEntity } from '../persistence/auth-token.entity';
import { UserEntity } from '../persistence/user.entity';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';
import { GATEWAY_COUNTER_CACHE, type CounterCache } from '../ports/counter-cache.port';

/**
 * Counter value that marks a revoked token: far above any max-uses setting, and further INCRs keep it there. One
 * cache round trip per request therefore answers both "revoked?" and "used up?".
 */
const REVOKED_MARK = 1e15;
/** Oldest live tokens of a user beyond this many are revoked at login, so one account cannot fill the table. */
export const MAX_LIVE_TOKENS_PER_USER = 500;

export type Consumption = { ok: true; uses: number } | { ok: false; reason: 'revoked' | 'used up' | 'unknown' };

export interface TokenRecord {
  id: string;
  userName: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenInfo extends TokenRecord {
  uses: number;
  revoked: boolean;
}

/**
 * Token accounting: each request increments the token's counter in the shared cache (Redis when distributed), the
 * only work on the hot path. The cache is not trusted to keep anything, so the database holds what must survive a
 * restart or an eviction: revocations, and `uses_reserved`, an upper bound on the uses granted so far. That bound is
 * raised a block of uses *ahead* of the counter (one UPDATE every `block` requests), so when the counter is lost it
 * restarts from the bound: a restart can cost a token up to two blocks of its uses, and it never gains any.
 *
 * The cache value is 1 + uses: a fresh token's key is written as "1" at issue, so an INCR answering 1 means the key
 * was missing and the durable record must be consulted.
 *
 * A revocation is written to the database first, then the cache marker, then the row's `revocation_marked_at`. If
 * the cache write fails (Redis briefly unreachable but keeping its data, or the process dies in between) the old
 * counter would go on accepting the token, so RevocationReconciler re-marks every revoked, unexpired row whose mark
 * time is missing (`reconcileRevocations`) until the cache takes it.
 */
@Injectable()
export class TokenLedger {
  private readonly block: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_COUNTER_CACHE) private readonly cache: CounterCache,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
  ) {
    this.block = reservationBlock(settings.auth.tokenMaxUses);
  }

  get maxUses(): number {
    return this.settings.auth.tokenMaxUses;
  }

  /** Records a newly issued token (durably first), revokes the user's oldest beyond the cap and prunes expired rows. */
  async record(token: TokenRecord): Promise<void> {
    const now = new Date(this.clock.now());
    const capped = await this.dataSource.transaction(async (m) => {
      // Share-lock the account: a deletion running concurrently either waits for this token (and revokes it) or
      // has already removed the account, and the sign-in fails instead of minting a token for a deleted user.
      const user = await m.getRepository(UserEntity).createQueryBuilder('u').setLock('pessimistic_read').where('u.name = :name', { name: token.userName }).getOne();
      if (user === null) throw new ClientError(401, 'the user or password is invalid', {}, {}, 'bad-credentials');
      await m.getRepository(AuthTokenEntity).insert({ ...token, usesReserved: this.block, revokedAt: null });
      const rows = await m.getRepository(AuthTokenEntity).createQueryBuilder('t').select(['t.id', 't.expiresAt'])
        .where('t.userName = :name AND t.revokedAt IS NULL AND t.expiresAt > :now', { name: token.userName, now })
        .orderBy('t.issuedAt', 'DESC').addOrderBy('t.id', 'DESC').offset(MAX_LIVE_TOKENS_PER_USER).getMany();
      return this.revokeRows(m, rows.map((r) => r.id), now);
    });
    await this.cache.set(counterKey(token.id), '1', this.ttlUntil(token.expiresAt));
    await this.markRevoked(this.dataSource.manager, capped);
    // Expired rows are useless (the JWT's own expiry refuses the token): prune a bounded batch per login.
    await this.dataSource.getRepository(AuthTokenEntity).createQueryBuilder().delete()
      .where(`id IN (SELECT id FROM ${qualifiedTable(this.dataSource, 'auth_tokens')} WHERE expires_at < :now LIMIT 500)`, { now }).execute();
  }

  /** Counts one use of a verified token; refuses revoked, used-up and unrecorded tokens. */
  async consume(id: string, expiresAt: Date): Promise<Consumption> {
    const n = await this.cache.incr(counterKey(id), this.ttlUntil(expiresAt));
    if (n >= REVOKED_MARK) return { ok: false, reason: 'revoked' };
    if (n === 1) return this.recover(id, expiresAt);
    const uses = n - 1;
    if (uses > this.maxUses) return { ok: false, reason: 'used up' };
    // First use of a block: reserve the block after this one, so the bound stays ahead of every granted use.
    if ((uses - 1) % this.block === 0) await this.reserve(id, uses - 1 + 2 * this.block);
    return { ok: true, uses };
  }

  /** Revokes one token of a user; false when the user has no such live token. */
  async revokeOne(userName: string, id: string): Promise<boolean> {
    const revoked = await this.revokeWhere(this.dataSource.manager, 't.id = :id AND t.userName = :userName', { id, userName });
    return revoked.length > 0;
  }

  /** Revokes every live token of a user (logout everywhere, account deletion); returns how many. */
  revokeUser(userName: string, m: EntityManager = this.dataSource.manager): Promise<string[]> {
    return this.revokeWhere(m, 't.userName = :userName', { userName });
  }

  /** Revokes every live token except those of one user (registry reset keeps the default admin signed in). */
  revokeAllExcept(userName: string, m: EntityManager): Promise<string[]> {
    return this.revokeWhere(m, 't.userName <> :userName', { userName });
  }

  /** The user's unexpired tokens, newest first, with their use counts (the durable bound when the cache lost one). */
  async list(userName: string): Promise<TokenInfo[]> {
    const rows = await this.dataSource.getRepository(AuthTokenEntity).createQueryBuilder('t')
      .where('t.userName = :userName AND t.expiresAt > :now', { userName, now: new Date(this.clock.now()) })
      .orderBy('t.issuedAt', 'DESC').addOrderBy('t.id', 'DESC').limit(MAX_LIVE_TOKENS_PER_USER).getMany();
    return Promise.all(
      rows.map(async (r) => {
        const cached = Number(await this.cache.get(counterKey(r.id)));
        const revoked = r.revokedAt !== null || cached >= REVOKED_MARK;
        const uses = Number.isSafeInteger(cached) && cached >= 1 && !revoked ? cached - 1 : Math.min(r.usesReserved, this.maxUses);
        return { id: r.id, userName: r.userName, issuedAt: r.issuedAt, expiresAt: r.expiresAt, revoked, uses: Math.min(uses, this.maxUses) };
      }),
    );
  }

  /** The counter was missing (cache restarted or evicted it): resume from the durable record. */
  private async recover(id: string, expiresAt: Date): Promise<Consumption> {
    const row = await this.dataSource.getRepository(AuthTokenEntity).findOneBy({ id });
    const ttl = this.ttlUntil(expiresAt);
    if (row === null || row.revokedAt !== null) {
      if (row === null || row.revocationMarkedAt !== null) await this.cache.set(counterKey(id), String(REVOKED_MARK), ttl);
      else await this.markRevoked(this.dataSource.manager, [{ id, expiresAt }]);
      // No record: a token from before a reset wiped its user, or minted with a leaked secret. Refused either way.
      return { ok: false, reason: row === null ? 'unknown' : 'revoked' };
    }
    const uses = row.usesReserved + 1;
    if (uses <= this.maxUses) await this.reserve(id, uses + 2 * this.block);
    await this.cache.set(counterKey(id), String(1 + uses), ttl);
    // A revocation that committed after the read above may have set its mark before this SET replaced it. Reading
    // again closes that window: a revocation committed before this read is seen here and marked again, and one
    // committed after it sets its own mark after our SET.
    if (await this.dataSource.getRepository(AuthTokenEntity).existsBy({ id, revokedAt: Not(IsNull()) })) {
      await this.cache.set(counterKey(id), String(REVOKED_MARK), ttl);
      return { ok: false, reason: 'revoked' };
    }
    return uses > this.maxUses ? { ok: false, reason: 'used up' } : { ok: true, uses };
  }

  private async reserve(id: string, upTo: number): Promise<void> {
    await this.dataSource.getRepository(AuthTokenEntity).createQueryBuilder().update()
      .set({ usesReserved: () => 'GREATEST(uses_reserved, :upTo)' })
      .where('id = :id', { id }).setParameter('upTo', Math.min(upTo, this.maxUses + 1)).execute();
  }

  private async revokeWhere(m: EntityManager, condition: string, params: Record<string, unknown>): Promise<string[]> {
    const now = new Date(this.clock.now());
    const rows = await m.getRepository(AuthTokenEntity).createQueryBuilder('t').select(['t.id', 't.expiresAt'])
      .where(`${condition} AND t.revokedAt IS NULL AND t.expiresAt > :now`, { ...params, now }).getMany();
    const revoked = await this.revokeRows(m, rows.map((r) => r.id), now);
    // Inside a caller's transaction the cache marks go in before it commits: if it then fails the tokens are refused
    // anyway (fail closed). When the cache write fails after the revocation is durable, the rows stay unmarked and
    // the reconciler sets the marks once the cache answers again.
    await this.markRevoked(m, revoked);
    return revoked.map((r) => r.id);
  }

  private async revokeRows(m: EntityManager, ids: string[], now: Date): Promise<{ id: string; expiresAt: Date }[]> {
    if (ids.length === 0) return [];
    const result = await m.getRepository(AuthTokenEntity).createQueryBuilder().update().set({ revokedAt: now })
      .where('id IN (:...ids) AND revoked_at IS NULL', { ids }).returning('id, expires_at').execute();
    return (result.raw as { id: string; expires_at: Date }[]).map((r) => ({ id: r.id, expiresAt: new Date(r.expires_at) }));
  }

  /**
   * One reconciler pass: sets the cache marker of up to `limit` revoked, unexpired tokens whose mark time is missing,
   * then records it; answers how many. Throws when the cache (or database) cannot be reached, leaving the rows for
   * the next pass. Setting a marker is idempotent, so replicas polling the same rows at once do no harm.
   */
  async reconcileRevocations(limit: number): Promise<number> {
    const pending = await this.dataSource.getRepository(AuthTokenEntity).createQueryBuilder('t').select(['t.id', 't.expiresAt'])
      .where('t.revokedAt IS NOT NULL AND t.revocationMarkedAt IS NULL AND t.expiresAt > :now', { now: new Date(this.clock.now()) })
      .orderBy('t.expiresAt').limit(limit).getMany();
    await this.markRevoked(this.dataSource.manager, pending);
    return pending.length;
  }

  /** Sets the cache markers, then records that they are set (only once all of them are). */
  private async markRevoked(m: EntityManager, tokens: { id: string; expiresAt: Date }[]): Promise<void> {
    if (tokens.length === 0) return;
    await Promise.all(tokens.map((t) => this.cache.set(counterKey(t.id), String(REVOKED_MARK), this.ttlUntil(t.expiresAt))));
    await m.getRepository(AuthTokenEntity).createQueryBuilder().update().set({ revocationMarkedAt: new Date(this.clock.now()) })
      .where('id IN (:...ids) AND revocation_marked_at IS NULL', { ids: tokens.map((t) => t.id) }).execute();
  }

  private ttlUntil(expiresAt: Date): number {
    return Math.max(1, Math.ceil((expiresAt.getTime() - this.clock.now()) / 1000));
  }

}

function counterKey(id: string): string {
  return `gateway:token-uses:${id}`;
}

/**
 * Uses reserved per database write: about 40 writes over a token's life, at most 25 (1000 uses → 25, so a restart
 * costs a token at most 50 of its 1000 uses), and 1 for tiny caps so they stay exact.
 */
export function reservationBlock(maxUses: number): number {
  return Math.max(1, Math.min(25, Math.floor(maxUses / 40)));
}
