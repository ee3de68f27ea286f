import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobRangeReader, BlobWriter } from '../src/blob-writer';

/** A minimal content-addressed store on the real filesystem, so package tests need no platform library. */
export class FsTestBlobStore implements BlobWriter, BlobRangeReader {
  constructor(readonly root: string) {}

  async put(body: Readable, opts?: { expectedSha256?: string }): Promise<{ sha256: string; size: number; created: boolean }> {
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(body, tap, createWriteStream(tmp));
    const sha256 = hash.digest('hex');
    if (opts?.expectedSha256 && opts.expectedSha256 !== sha256) throw new Error('digest mismatch');
    const target = join(this.root, sha256);
    const created = !(await stat(target).catch(() => null));
    await rename(tmp, target);
    return { sha256, size, created };
  }

  /** `range` inclusive, as BlobStore.get takes it. */
  get(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    if (!/^[a-f0-9]{64}$/.test(sha256)) return Promise.reject(new Error('bad digest'));
    return Promise.resolve(createReadStream(join(this.root, sha256), range));
  }
}
