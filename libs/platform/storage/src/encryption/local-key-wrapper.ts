import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EncryptionKeyError } from './encryption-errors';
import { KeyWrapper } from './key-wrapper';

const AAD_PREFIX = 'modelguard-dek-v1:';

/**
 * KEKs from configuration (32-byte AES keys). The key id is derived from the key itself
 * (`local-` + 16 hex chars of its SHA-256), so a wrong key is reported as "unknown key id" instead of
 * failing later as corrupt data, and no separate id has to be configured. Wrapped key =
 * nonce (12) || AES-256-GCM(data key) (32) || tag (16), with the key id in the AAD.
 */
export class LocalKeyWrapper extends KeyWrapper {
  readonly currentKeyId: string;
  private readonly keks = new Map<string, Buffer>();

  /** `current` wraps new keys; `previous` only unwrap (kept during a rotation). */
  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    super();
    this.currentKeyId = this.add(current);
    for (const k of previous) this.add(k);
  }

  static keyIdOf(kek: Buffer): string {
    return `local-${createHash('sha256').update(kek).digest('hex').slice(0, 16)}`;
  }

  async wrap(dataKey: Buffer, keyId = this.currentKeyId): Promise<{ keyId: string; wrapped: Buffer }> {
    const kek = this.kek(keyId);
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', kek, nonce);
    c.setAAD(Buffer.from(AAD_PREFIX + keyId));
    const body = Buffer.concat([c.update(dataKey), c.final()]);
    return { keyId, wrapped: Buffer.concat([nonce, body, c.getAuthTag()]) };
  }

  async unwrap(keyId: string, wrapped: Buffer): Promise<Buffer> {
    const kek = this.kek(keyId);
    if (wrapped.length !== 12 + 32 + 16) throw new EncryptionKeyError(keyId, `wrapped data key has ${wrapped.length} bytes, expected 60`);
    const d = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12));
    d.setAAD(Buffer.from(AAD_PREFIX + keyId));
    d.setAuthTag(wrapped.subarray(44));
    try {
      return Buffer.concat([d.update(wrapped.subarray(12, 44)), d.final()]);
    } catch {
      throw new EncryptionKeyError(keyId, 'wrapped data key failed authentication (corrupt header)');
    }
  }

  private add(kek: Buffer): string {
    if (kek.length !== 32) throw new Error(`A key-encryption key must be 32 bytes, got ${kek.length}`);
    const id = LocalKeyWrapper.keyIdOf(kek);
    this.keks.set(id, Buffer.from(kek));
    return id;
  }

  private kek(keyId: string): Buffer {
    const kek = this.keks.get(keyId);
    if (!kek) throw new EncryptionKeyError(keyId, 'not configured here (wrong STORAGE_ENCRYPTION_KEY, or rotated away?)');
    return kek;
  }
}
