import { createCipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { chunkAad, chunkNonce, decodeHeader, headerPrefix } from './chunk-format';

/**
 * Plaintext in, header + sealed chunks out. A chunk is sealed as "not last" only once at least one more
 * plaintext byte has arrived, so the final chunk (possibly full-size, or empty for an empty blob) is the only
 * one flagged last. Holds at most one chunk plus one incoming buffer.
 */
export class EncryptStream extends Transform {
  private readonly prefix: Buffer;
  private readonly noncePrefix: Buffer;
  private readonly chunkSize: number;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private index = 0;
  private out = 0;

  constructor(
    private readonly dataKey: Buffer,
    private readonly header: Buffer,
  ) {
    super();
    const h = decodeHeader(header);
    this.chunkSize = h.chunkSize;
    this.noncePrefix = h.noncePrefix;
    this.prefix = Buffer.from(headerPrefix(header));
  }

  /** Bytes emitted so far (the stored object size once the stream has ended). */
  get outputBytes(): number {
    return this.out;
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.out === 0) this.output(this.header);
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.pending.push(buf);
    this.pendingLen += buf.length;
    if (this.pendingLen > this.chunkSize) {
      let all = Buffer.concat(this.pending, this.pendingLen);
      while (all.length > this.chunkSize) {
        this.seal(all.subarray(0, this.chunkSize), false);
        all = all.subarray(this.chunkSize);
      }
      this.pending = [all];
      this.pendingLen = all.length;
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.out === 0) this.output(this.header);
    this.seal(Buffer.concat(this.pending, this.pendingLen), true);
    this.pending = [];
    cb();
  }

  private seal(plain: Buffer, last: boolean): void {
    const c = createCipheriv('aes-256-gcm', this.dataKey, chunkNonce(this.noncePrefix, this.index));
    c.setAAD(chunkAad(this.prefix, this.index, last));
    const body = c.update(plain);
    c.final();
    this.output(Buffer.concat([body, c.getAuthTag()]));
    this.index += 1;
  }

  private output(buf: Buffer): void {
    this.out += buf.length;
    this.push(buf);
  }
}
