import { BlobStoreError } from '../blob-errors';

/**
 * Stored ciphertext failed authentication (tampered, truncated, reordered) or is not in our format.
 * Status 500: the request was fine, the store is not; nothing unauthenticated is ever emitted.
 */
export class BlobDecryptionError extends BlobStoreError {
  readonly code = 'BLOB_DECRYPTION_FAILED';
  readonly status = 500;
  constructor(
    readonly sha256: string,
    reason: string,
  ) {
    super(`Blob ${sha256} cannot be decrypted: ${reason}`);
    this.name = 'BlobDecryptionError';
  }
}

/** The header names a key-encryption key this process does not hold (or the wrapped key does not open with it). */
export class EncryptionKeyError extends BlobStoreError {
  readonly code = 'ENCRYPTION_KEY_UNAVAILABLE';
  readonly status = 500;
  constructor(
    readonly keyId: string,
    reason: string,
  ) {
    super(`Key-encryption key ${JSON.stringify(keyId)}: ${reason}`);
    this.name = 'EncryptionKeyError';
  }
}
