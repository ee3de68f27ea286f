import { Transform, TransformCallback } from 'node:stream';

/**
 * Counts bytes flowing through and fails the stream the moment a cap is exceeded, so a lying header
 * (Content-Length, zip declared size) can never make us write more than we agreed to.
 */
export class ByteLimiter extends Transform {
  private seen = 0;

  constructor(
    private readonly cap: number,
    private readonly onExceeded: (seen: number) => Error,
  ) {
    super();
  }

  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.cap) {
      callback(this.onExceeded(this.seen));
      return;
    }
    callback(null, chunk);
  }
}
