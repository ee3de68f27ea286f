import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { UpstreamError } from '@modelguard/egress';

/** Passes bytes through while keeping the first `limit` bytes, so small text files can be parsed without a re-read. */
export class PrefixCapture extends Transform {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.length;
    if (this.kept < this.limit) {
      const part = chunk.subarray(0, this.limit - this.kept);
      this.chunks.push(part);
      this.kept += part.length;
    }
    cb(null, chunk);
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }
}

/**
 * Checks a non-LFS file against the git blob id the upstream tree listed for it (sha1 of `blob <size>\0<data>`),
 * so plain files are as tamper-evident as LFS files, whose sha256 the blob store verifies.
 */
export class GitBlobVerifier extends Transform {
  private readonly hash: Hash;

  constructor(
    private readonly path: string,
    size: number,
    private readonly expectedOid: string,
  ) {
    super();
    this.hash = createHash('sha1').update(`blob ${size}\0`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const oid = this.hash.digest('hex');
    if (oid !== this.expectedOid) {
      cb(new UpstreamError('integrity', `${this.path} does not match its git blob id ${this.expectedOid}`));
      return;
    }
    cb();
  }
}
