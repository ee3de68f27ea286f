import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ComponentHealth } from '@modelguard/observability';
import type { ByteRange } from '@modelguard/packages';
import { BlobNotFoundError } from '../blob-errors';
import { assertSha256, resolveRange } from '../blob-id';
import { BlobStore, type PutBlobOptions, type PutBlobResult, type StoredBlob } from '../blob-store';
import { type BlobHeader, chunkOffset, DEFAULT_CHUNK_SIZE, decodeHeader, encodeHeader, FormatError, HEADER_SIZE, headerPrefix, layoutOf } from './chunk-format';
import { DecryptStream } from './decrypt-stream';
import { EncryptStream } from './encrypt-stream';
import { BlobDecryptionError } from './encryption-errors';
import type { KeyWrapper } from './key-wrapper';

interface OpenedHeader {
  raw: Buffer;
  header: BlobHeader;
  storedSize: number;
  plainSize: number;
  chunkCount: number;
}

/**
 * Envelope encryption at rest over any BlobStore. Blobs keep their plaintext SHA-256 name and size (the
 * inner driver hashes before the encoder runs); what is stored is header + AES-256-GCM chunks (see
 * chunk-format.ts). Reads fetch the fixed-size header with a small ranged read, then only the chunks
 * covering the requested range, so memory is one chunk per stream whatever the blob size.
 */
export class EncryptedBlobStore extends BlobStore {
  constructor(
    readonly inner: BlobStore,
    readonly keys: KeyWrapper,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    super();
  }

  async put(body: Readable, opts: PutBlobOptions = {}): Promise<PutBlobResult> {
    const encoder = await this.newEncoder();
    return this.inner.put(body, { ...opts, encode: () => encoder });
  }

  /** Plaintext in, header + sealed chunks out, under a fresh data key wrapped by the current KEK (also used by sealBlob). */
  async newEncoder(): Promise<EncryptStream> {
    const dataKey = randomBytes(32);
    const { keyId, wrapped } = await this.keys.wrap(dataKey);
    const header = encodeHeader({ chunkSize: this.chunkSize, noncePrefix: randomBytes(8), keyId, wrappedKey: wrapped });
    return new EncryptStream(dataKey, header);
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    const opened = await this.openHeader(sha256);
    if (!opened) throw new BlobNotFoundError(sha256);
    const { header, plainSize, chunkCount } = opened;
    const dataKey = await this.keys.unwrap(header.keyId, header.wrappedKey);
    const cs = header.chunkSize;
    let start = 0;
    let end = plainSize - 1;
    if (range) ({ start, end } = resolveRange(range, plainSize));
    // The empty blob still has one (empty, last) chunk, which is authenticated like any other.
    const firstChunk = plainSize === 0 ? 0 : Math.floor(start / cs);
    const lastChunk = plainSize === 0 ? 0 : Math.floor(end / cs);
    const from = chunkOffset(firstChunk, cs);
    const to = lastChunk === chunkCount - 1 ? opened.storedSize - 1 : chunkOffset(lastChunk + 1, cs) - 1;
    const source = await this.inner.get(sha256, { start: from, end: to });
    const decrypt = new DecryptStream({
      dataKey,
      prefix: Buffer.from(headerPrefix(opened.raw)),
      noncePrefix: header.noncePrefix,
      chunkSize: cs,
      chunkCount,
      firstChunk,
      lastChunk,
      skip: start - firstChunk * cs,
      take: plainSize === 0 ? 0 : end - start + 1,
      fail: (reason) => new BlobDecryptionError(sha256, reason),
    });
    // Callback pipeline: errors from either side reach the consumer as an error on `decrypt`.
    return pipeline(source, decrypt, () => undefined);
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    const opened = await this.openHeader(sha256);
    return opened ? { size: opened.plainSize } : null;
  }

  /** Header of a stored blob (key id etc.), for key rotation and diagnostics. */
  async readHeader(sha256: string): Promise<{ raw: Buffer; header: BlobHeader } | null> {
    const opened = await this.openHeader(sha256);
    return opened ? { raw: opened.raw, header: opened.header } : null;
  }

  delete(sha256: string): Promise<void> {
    return this.inner.delete(sha256);
  }

  /** Sizes are the stored (ciphertext) sizes: listing reads no headers. */
  list(pageSize?: number): AsyncIterable<StoredBlob[]> {
    return this.inner.list(pageSize);
  }

  deleteMany(sha256s: readonly string[]): Promise<void> {
    return this.inner.deleteMany(sha256s);
  }

  sweepTemp(olderThanMs: number): Promise<number> {
    return this.inner.sweepTemp(olderThanMs);
  }

  async healthCheck(): Promise<ComponentHealth> {
    const h = await this.inner.healthCheck();
    return { ...h, metrics: { ...h.metrics, encryption: 'aes-256-gcm', key_id: this.keys.currentKeyId } };
  }

  private async openHeader(sha256: string): Promise<OpenedHeader | null> {
    assertSha256(sha256);
    const st = await this.inner.stat(sha256);
    if (!st) return null;
    const fail = (reason: string): BlobDecryptionError => new BlobDecryptionError(sha256, reason);
    if (st.size < HEADER_SIZE) throw fail(`stored object is ${st.size} bytes, shorter than the ${HEADER_SIZE}-byte header`);
    const raw = await readAllBounded(await this.inner.get(sha256, { start: 0, end: HEADER_SIZE - 1 }), HEADER_SIZE);
    try {
      const header = decodeHeader(raw);
      return { raw, header, storedSize: st.size, ...layoutOf(st.size, header.chunkSize) };
    } catch (err) {
      if (err instanceof FormatError) throw fail(err.message);
      throw err;
    }
  }
}

async function readAllBounded(stream: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = c as Buffer;
    parts.push(b);
    n += b.length;
    if (n > max) break;
  }
  return Buffer.concat(parts).subarray(0, max);
}
