import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobOversizeError, BlobReadError, type BlobSource } from './blob-source';

export interface SpooledBlob {
  /** Local file holding exactly the blob's bytes. */
  file: string;
  /** SHA-256 actually observed while copying (compare with the content address). */
  observedSha256: string;
  observedSize: number;
  /** Remove the temp directory; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Copy a blob to a private temp file, streaming (never buffering it whole), hashing on the way so the
 * caller can tell a corrupted or substituted blob from the one the manifest names. Copies stop at
 * `maxBytes + 1` so a blob that is far larger than declared cannot fill the disk.
 */
export async function spoolBlob(source: BlobSource, sha256: string, maxBytes: number, dir = tmpdir()): Promise<SpooledBlob> {
  const folder = await mkdtemp(join(dir, 'mg-scan-'));
  const dispose = () => rm(folder, { recursive: true, force: true });
  const file = join(folder, 'blob');
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new BlobOversizeError(sha256, maxBytes));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const body = await source.get(sha256);
    await pipeline(body, meter, createWriteStream(file, { mode: 0o600 }));
  } catch (error) {
    await dispose();
    if (error instanceof BlobReadError) throw error;
    throw new BlobReadError(`blob ${sha256} could not be copied for scanning`, sha256, error);
  }
  return { file, observedSha256: hash.digest('hex'), observedSize: size, dispose };
}
