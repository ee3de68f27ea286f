import { parsePermissions } from '@modelguard/domain';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { ClientError } from '../domain/client-error';
import { HfTokenEntity } from '../persistence/hf-token.entity';
import { UserEntity } from '../persistence/user.entity';

/** `hf_` + 40 base62 characters (~238 bits), the shape the Hub's tokens have and the JavaScript client insists on. */
const TOKEN_SHAPE = /^hf_[A-Za-z0-9]{20,200}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Live tokens per user: enough for every laptop and CI job, small enough that no account fills the table. */
export const MAX_HF_TOKENS_PER_USER = 100;
/** `last_used_at` is written at most this often per token, so a snapshot of 500 files costs one write, not 500. */
const TOUCH_INTERVAL_MS = 60_000;

export interface HfTokenView {
  id: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

/**
 * Personal access tokens for Hugging Face clients (hf-mirror/). Stored as SHA-256 digests (the token is 238 random
 * bits, so a fast hash is enough and lookups stay a single indexed read); the plain token is returned once. A token
 * carries no permissions of its own: every request reads its user's current permissions, so revoking a permission or
 * deleting the user takes effect at once.
 */
@Injectable()
export class HfTokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly security: SecurityEvents,
  ) {}

  async create(actor: RequestActor, userName: string, rawLabel: unknown): Promise<HfTokenView & { token: string }> {
    const label = parseLabel(rawLabel);
    const token = `hf_${randomToken(40)}`;
    const row = await this.dataSource.transaction(async (m) => {
      // Lock the user row: concurrent creates cannot overshoot the cap, and a concurrent deletion wins cleanly.
      const user = await m.getRepository(UserEntity).createQueryBuilder('u').setLock('pessimistic_write').where('u.name = :name', { name: userName }).getOne();
      if (user === null) throw new ClientError(404, `no user ${userName}`);
      const live = await m.getRepository(HfTokenEntity).countBy({ userName, revokedAt: IsNull() });
      if (live >= MAX_HF_TOKENS_PER_USER) throw new ClientError(409, `at most ${MAX_HF_TOKENS_PER_USER} live hf tokens per user; revoke one first`);
      const entity = m.getRepository(HfTokenEntity).create({ id: randomUUID(), userName, tokenHash: digest(token), label, lastUsedAt: null, revokedAt: null });
      const saved = await m.getRepository(HfTokenEntity).save(entity);
      // Audited with the token's id and label, never the token itself.
      await this.security.publish(m, actor, 'HF_TOKEN_CREATE', saved.id, `user=${userName} label=${label}`);
      return saved;
    });
    return { ...view(row), token };
  }

  async list(userName: string): Promise<HfTokenView[]> {
    const rows = await this.dataSource.getRepository(HfTokenEntity).find({ where: { userName }, order: { createdAt: 'DESC' }, take: 1000 });
    return rows.map(view);
  }

  /** true when a live token of this user was revoked now. */
  async revoke(actor: RequestActor, userName: string, id: string): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const { affected } = await m.getRepository(HfTokenEntity).update({ id, userName, revokedAt: IsNull() }, { revokedAt: new Date() });
      if ((affected ?? 0) === 0) return false;
      await this.security.publish(m, actor, 'HF_TOKEN_REVOKE', id, `user=${userName}`);
      return true;
    });
  }

  /** The user an `hf_` token belongs to, or null for anything that is not a live token. */
  async authenticate(token: string): Promise<RequestActor | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const row = await this.dataSource.getRepository(HfTokenEntity).findOneBy({ tokenHash: digest(token), revokedAt: IsNull() });
    if (row === null) return null;
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ name: row.userName });
    if (user === null) return null;
    if (row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.dataSource.getRepository(HfTokenEntity).update({ id: row.id }, { lastUsedAt: new Date() });
    }
    return { name: user.name, isAdmin: user.isAdmin, permissions: parsePermissions(user.permissions) };
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Unbiased base62: bytes >= 248 (4 * 62) are dropped rather than folded, so every character is equally likely. */
function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function parseLabel(raw: unknown): string {
  if (raw === undefined || raw === null) return 'hf-token';
  if (typeof raw !== 'string' || !/^[\x20-\x7e]{1,100}$/.test(raw)) throw new ClientError(400, 'label must be 1 to 100 printable ASCII characters');
  return raw;
}

function view(row: HfTokenEntity): HfTokenView {
  return { id: row.id, label: row.label, created_at: row.createdAt.toISOString(), last_used_at: row.lastUsedAt?.toISOString() ?? null, revoked: row.revokedAt !== null };
}
