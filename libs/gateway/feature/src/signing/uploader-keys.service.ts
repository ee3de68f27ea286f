import { BundleError, parseUploaderPublicKey, verifyUploaderBundle, type SignedFile } from '@modelguard/signing';
import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { ClientError } from '../domain/client-error';
import { UploaderKeyEntity } from '../persistence/uploader-key.entity';
import { UploaderSignatureEntity } from '../persistence/uploader-signature.entity';

export interface UploaderKeyView {
  key_id: string;
  algorithm: string;
  public_key_pem: string;
  created_at: string;
  revoked_at: string | null;
}

/** Most keys one user may hold (active or revoked): bounded rows per user. */
export const MAX_KEYS_PER_USER = 20;
/** Largest bundle accepted with an upload (base64 in a header; Node's header limit is 16 KiB in all). */
export const MAX_BUNDLE_BYTES = 12 * 1024;

const view = (k: UploaderKeyEntity): UploaderKeyView => ({
  key_id: k.keyId,
  algorithm: k.algorithm,
  public_key_pem: k.publicKeyPem,
  created_at: k.createdAt.toISOString(),
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

/**
 * Uploaders' own signing keys (issue 11.1): each user registers, lists and revokes their public keys; an upload's
 * bundle is verified against the uploader's active keys only (never another user's), and the result is stored with
 * the version. A revoked key is kept (marked) so its id can never be re-registered by someone else.
 */
@Injectable()
export class UploaderKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly security: SecurityEvents,
  ) {}

  async list(actor: RequestActor): Promise<UploaderKeyView[]> {
    const rows = await this.dataSource.getRepository(UploaderKeyEntity).find({ where: { userName: actor.name }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async add(actor: RequestActor, body: unknown): Promise<UploaderKeyView> {
    const pem = (body as { public_key_pem?: unknown } | null)?.public_key_pem;
    if (typeof pem !== 'string' || pem.length === 0 || pem.length > 4096) throw new ClientError(400, 'public_key_pem must be a PEM public key of at most 4096 characters');
    let parsed;
    try {
      parsed = parseUploaderPublicKey(pem);
    } catch (error: unknown) {
      throw new ClientError(400, (error as Error).message);
    }
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(UploaderKeyEntity);
      const existing = await repo.findOneBy({ keyId: parsed.keyId });
      if (existing !== null) throw new ClientError(409, existing.userName === actor.name ? 'this key is already registered' : 'this key is registered to another user');
      if ((await repo.countBy({ userName: actor.name })) >= MAX_KEYS_PER_USER) throw new ClientError(409, `a user may register at most ${MAX_KEYS_PER_USER} keys`);
      const row = repo.create({ keyId: parsed.keyId, userName: actor.name, algorithm: parsed.algorithm, publicKeyPem: parsed.pem, revokedAt: null });
      const saved = view(await repo.save(row));
      await this.security.publish(m, actor, 'UPLOADER_KEY_ADD', saved.key_id, `algorithm=${saved.algorithm}`);
      return saved;
    });
  }

  async revoke(actor: RequestActor, keyId: string): Promise<UploaderKeyView> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(UploaderKeyEntity);
      const row = /^[0-9a-f]{64}$/.test(keyId) ? await repo.findOneBy({ keyId, userName: actor.name }) : null;
      if (row === null) throw new ClientError(404, 'you have no key with this id');
      if (row.revokedAt === null) {
        row.revokedAt = new Date();
        await repo.save(row);
        await this.security.publish(m, actor, 'UPLOADER_KEY_REVOKE', keyId);
      }
      return view(row);
    });
  }

  /**
   * Decodes the base64 bundle an upload carried and verifies it against the package as stored, with the uploader's
   * active keys. Refusals are 400 `hostile-input` (audited): a forged bundle, another package's, a manifest with a
   * file more or less, a key that is not the uploader's (or revoked).
   */
  async verifyForUpload(m: EntityManager, actor: RequestActor, encoded: string, packageName: string, files: readonly SignedFile[]): Promise<{ keyId: string; bundle: string }> {
    const refuse = (why: string): ClientError => new ClientError(400, `uploader signature refused: ${why}`, {}, {}, 'hostile-input');
    if (encoded.length > (MAX_BUNDLE_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw refuse('the bundle header must be base64 of at most 12 KiB');
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    let bundle: unknown;
    try {
      bundle = JSON.parse(text);
    } catch {
      throw refuse('the bundle is not JSON');
    }
    const keys = await m.getRepository(UploaderKeyEntity).findBy({ userName: actor.name, revokedAt: IsNull() });
    const trusted = new Map<string, KeyObject>(keys.map((k) => [k.keyId, createPublicKey(k.publicKeyPem)]));
    try {
      return { keyId: verifyUploaderBundle(bundle, packageName, files, (id) => trusted.get(id)).keyId, bundle: text };
    } catch (error: unknown) {
      if (error instanceof BundleError) throw refuse(error.message.replace('not a trusted key', `not an active key of ${actor.name}`));
      throw error;
    }
  }

  async record(m: EntityManager, artifactId: string, version: string, actor: RequestActor, verified: { keyId: string; bundle: string }): Promise<void> {
    await m.getRepository(UploaderSignatureEntity).insert({ artifactId, version, keyId: verified.keyId, userName: actor.name, bundle: verified.bundle });
  }

  /** The signature endpoint's status line for a version: `verified; key=<id>; by=<user>`, or `none`. */
  async status(artifactId: string, version: string): Promise<string> {
    const row = await this.dataSource.getRepository(UploaderSignatureEntity).findOneBy({ artifactId, version });
    return row === null ? 'none' : `verified; key=${row.keyId}; by=${row.userName.replace(/[^\x20-\x7e]/g, '?').slice(0, 128)}`;
  }
}
