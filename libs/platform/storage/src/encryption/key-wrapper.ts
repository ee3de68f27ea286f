/**
 * KMS-shaped port for envelope encryption: data keys are generated locally per blob and only ever stored
 * wrapped (encrypted) by a key-encryption key (KEK) that lives elsewhere. A cloud KMS driver would call
 * Encrypt/Decrypt with the key id; the local driver holds the KEKs in memory.
 */
export abstract class KeyWrapper {
  /** Key id new data keys are wrapped with. */
  abstract readonly currentKeyId: string;
  abstract wrap(dataKey: Buffer, keyId?: string): Promise<{ keyId: string; wrapped: Buffer }>;
  /** EncryptionKeyError when the key id is unknown or the wrapped key does not authenticate. */
  abstract unwrap(keyId: string, wrapped: Buffer): Promise<Buffer>;
}
