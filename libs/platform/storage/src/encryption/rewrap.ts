import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { blobKey } from '../blob-id';
import { BlobNotFoundError } from '../blob-errors';
import { encodeHeader, HEADER_SIZE } from './chunk-format';
import type { EncryptedBlobStore } from './encrypted-blob-store';

/** Replaces the first HEADER_SIZE bytes of a stored blob. */
export type HeaderWriter = (sha256: string, header: Buffer) => Promise<void>;

/**
 * Key rotation for one blob: unwraps its data key with whichever KEK the header names (the store's
 * KeyWrapper must still hold it, as a previous key) and wraps it with the current KEK. Only the header
 * changes; the chunks are untouched because neither the key id nor the wrapped key is in their AAD.
 * Returns false when the blob already uses the current key (rotation is resumable and idempotent).
 */
export async function rewrapBlob(store: EncryptedBlobStore, sha256: string, write: HeaderWriter): Promise<boolean> {
  const found = await store.readHeader(sha256);
  if (!found) throw new BlobNotFoundError(sha256);
  const { header } = found;
  if (header.keyId === store.keys.currentKeyId) return false;
  const dataKey = await store.keys.unwrap(header.keyId, header.wrappedKey);
  const { keyId, wrapped } = await store.keys.wrap(dataKey);
  await write(sha256, encodeHeader({ ...header, keyId, wrappedKey: wrapped }));
  return true;
}

/**
 * fs: an in-place write of the fixed-size header at offset 0, then fsync. The header (192 bytes) lies in
 * the file's first sector, which disks write atomically, so a crash leaves either the old or the new header,
 * and both open the same data key.
 */
export function fsHeaderWriter(root: string): HeaderWriter {
  return async (sha256, header) => {
    if (header.length !== HEADER_SIZE) throw new Error(`header must be ${HEADER_SIZE} bytes`);
    const fh = await open(join(root, blobKey(sha256)), 'r+');
    try {
      await fh.write(header, 0, header.length, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
}
