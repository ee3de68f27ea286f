import { createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { chunkAad, chunkNonce, TAG_SIZE } from './chunk-format';

export interface DecryptWindow {
  dataKey: Buffer;
  prefix: Buffer;
  noncePrefix: Buffer;
  chunkSize: number;
  /** Total chunks in the blob (to know which one must carry the last flag). */
  chunkCount: number;
  /** Index of the first chunk in the incoming ciphertext, and how many chunks to expect. */
  firstChunk: number;
  lastChunk: number;
  /** Plaintext bytes to drop from the first chunk and to keep in total (the requested range). */
  skip: number;
  take: number;
  /** Error factory so messages name the blob. */
  fail: (reason: string) => Error;
}

/**
 * Sealed chunks in, plaintext out. Each chunk is authenticated before any byte of it is emitted, so a
 * reader sees either correct plaintext or an error, never unauthenticated data. Missing or extra bytes
 * at the end are errors.
 */
export class DecryptStream extends Transform {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private index: number;
  private skip: number;
  private left: number;

  constructor(private readonly w: DecryptWindow) {
    super();
    this.index = w.firstChunk;
    this.skip = w.skip;
    this.left = w.take;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    const sealed = this.w.chunkSize + TAG_SIZE;
    if (this.pendingLen < sealed) return cb();
    let all = Buffer.concat(this.pending, this.pendingLen);
    try {
      // A full-size sealed chunk may still be the last one; it is opened as soon as it is complete and the
      // flag comes from the index, not from whether more bytes follow.
      while (all.length >= sealed && this.index <= this.w.lastChunk) {
        this.open(all.subarray(0, sealed));
        all = all.subarray(sealed);
      }
    } catch (err) {
      return cb(err as Error);
    }
    if (this.index > this.w.lastChunk && all.length > 0) return cb(this.w.fail('unexpected bytes after the last chunk'));
    this.pending = [all];
    this.pendingLen = all.length;
    cb();
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.index <= this.w.lastChunk) {
        const rest = Buffer.concat(this.pending, this.pendingLen);
        if (this.index !== this.w.lastChunk || rest.length < TAG_SIZE) throw this.w.fail('ciphertext ends early (truncated)');
        this.open(rest);
      }
      if (this.left !== 0) throw this.w.fail('ciphertext ends early (truncated)');
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  private open(sealed: Buffer): void {
    const i = this.index;
    const d = createDecipheriv('aes-256-gcm', this.w.dataKey, chunkNonce(this.w.noncePrefix, i));
    d.setAAD(chunkAad(this.w.prefix, i, i === this.w.chunkCount - 1));
    d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    let plain: Buffer;
    try {
      plain = Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_SIZE)), d.final()]);
    } catch {
      throw this.w.fail(`chunk ${i} failed authentication (tampered, reordered or truncated)`);
    }
    this.index += 1;
    const part = plain.subarray(this.skip, this.skip + this.left);
    this.skip = 0;
    this.left -= part.length;
    if (part.length > 0) this.push(part);
  }
}
