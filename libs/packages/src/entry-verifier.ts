import { Transform, TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { PackageError, describeName } from './package-error';

/**
 * Verifies inflated entry data as it streams: never more than the declared size (or the archive's remaining
 * budget), exactly the declared size at the end, and the CRC-32 the central directory promised
 * (yauzl does not check CRCs, and a tampered entry must not be stored under a plausible manifest).
 */
export class EntryVerifier extends Transform {
  private seen = 0;
  private crc = 0;

  constructor(
    private readonly path: string,
    private readonly declaredSize: number,
    private readonly expectedCrc: number,
    private readonly budget: { remaining: number; limit: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.budget.remaining) {
      cb(new PackageError('TOO_LARGE', `archive inflates past ${this.budget.limit} bytes`));
      return;
    }
    if (this.seen > this.declaredSize) {
      cb(new PackageError('SIZE_MISMATCH', `entry ${describeName(this.path)} inflates past its declared ${this.declaredSize} bytes`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.seen !== this.declaredSize) {
      cb(new PackageError('SIZE_MISMATCH', `entry ${describeName(this.path)} inflates to ${this.seen} bytes, declared ${this.declaredSize}`));
      return;
    }
    if (this.crc >>> 0 !== this.expectedCrc >>> 0) {
      cb(new PackageError('CORRUPT_ZIP', `entry ${describeName(this.path)} fails its CRC-32 check`));
      return;
    }
    cb();
  }
}
