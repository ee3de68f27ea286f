import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './blob-errors';

/**
 * Pass-through that hashes (SHA-256) and counts bytes as they flow, so the content address is known
 * the moment the upload finishes without reading the data twice or holding it in memory. With
 * `maxBytes` it fails the stream as soon as the limit is crossed, not after storing everything.
 */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private digest: string | null = null;

  constructor(private readonly maxBytes?: number) {
    super();
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += buf.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes) {
      cb(new BlobTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(buf);
    cb(null, buf);
  }

  override _flush(cb: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    cb();
  }

  // Not called `size`: lib-storage reads `Body.size` as the total length of the upload.
  get byteCount(): number {
    return this.bytes;
  }

  /** Available once the stream has ended. */
  get sha256(): string {
    if (this.digest === null) throw new Error('HashingStream: digest requested before the stream finished');
    return this.digest;
  }
}
