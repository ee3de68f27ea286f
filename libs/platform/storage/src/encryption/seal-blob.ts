import { pipeline } from 'node:stream/promises';
import { PassThrough, type TransformCallback } from 'node:stream';
import { BlobIntegrityError, BlobNotFoundError } from '../blob-errors';
import type { BlobStore } from '../blob-store';
import { HashingStream } from '../hashing-stream';
import type { BlobRewriter } from './blob-rewriter';
import { MAGIC } from './chunk-format';
import type { EncryptedBlobStore } from './encrypted-blob-store';

/**
 * Whether the stored object of `sha256` is in the encrypted format (starts with the MGEB magic). Unambiguous in a
 * store written by SelectiveEncryptionBlobStore, which seals every upload that itself starts with the magic.
 * Null when the blob does not exist.
 */
export async function isSealed(raw: BlobStore, sha256: string): Promise<boolean | null> {
  const st = await raw.stat(sha256);
  if (st === null) return null;
  // Any object starting with the magic counts as sealed, however short: a truncated sealed blob must fail as
  // truncated ciphertext, never be served as plaintext.
  if (st.size < MAGIC.length) return false;
  const parts: Buffer[] = [];
  for await (const c of await raw.get(sha256, { start: 0, end: MAGIC.length - 1 })) parts.push(c as Buffer);
  return Buffer.concat(parts).subarray(0, MAGIC.length).equals(MAGIC);
}

/** Hashes what flows through and fails at the end, before the writer commits, unless it is the expected content. */
class ExpectDigest extends HashingStream {
  constructor(private readonly expected: string) {
    super();
  }

  override _flush(cb: TransformCallback): void {
    super._flush((err) => {
      if (err) return cb(err);
      cb(this.sha256 === this.expected ? null : new BlobIntegrityError(this.expected, this.sha256));
    });
  }
}

/**
 * Seals a plaintext blob in place: same content address, the stored bytes become header + AES-256-GCM chunks. The
 * plaintext is re-hashed on the way, so a blob already tampered with is refused (BlobIntegrityError) instead of being
 * sealed and made to look authentic. Idempotent: false when the blob is already sealed. Memory is one chunk.
 */
export async function sealBlob(store: EncryptedBlobStore, sha256: string, rewrite: BlobRewriter): Promise<boolean> {
  const sealed = await isSealed(store.inner, sha256);
  if (sealed === null) throw new BlobNotFoundError(sha256);
  if (sealed) return false;
  const source = await store.inner.get(sha256);
  const out = new PassThrough();
  const feeding = pipeline(source, new ExpectDigest(sha256), await store.newEncoder(), out);
  // A writer that fails stops the feeding too (no stream left waiting on a reader that is gone).
  const writing = rewrite(sha256, out).catch((err: unknown) => {
    out.destroy(err as Error);
    throw err;
  });
  await Promise.all([feeding, writing]);
  return true;
}
