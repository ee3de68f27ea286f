import { Upload } from '@aws-sdk/lib-storage';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobKey } from '../blob-id';
import { discardPartialFile } from '../partial-file';
import type { S3BlobStore } from '../s3-blob-store';

/**
 * Replaces the stored bytes of a blob under the same content address, atomically: readers see the old object or
 * the new one, never a mix, and nothing is replaced unless `body` ends without an error (so a digest check placed in
 * `body` vetoes the write). Used to seal a plaintext blob in place (seal-blob.ts).
 */
export type BlobRewriter = (sha256: string, body: Readable) => Promise<void>;

/**
 * fs: written to `<root>/tmp` (the store's own temp dir, swept after a crash), fsynced, then renamed over the blob.
 * A reader that already opened the old file keeps reading the old inode to its end.
 */
export function fsBlobRewriter(root: string): BlobRewriter {
  return async (sha256, body) => {
    const tmp = join(root, 'tmp', `rewrite-${randomUUID()}`);
    await mkdir(join(root, 'tmp'), { recursive: true });
    const file = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(body, file);
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(root, blobKey(sha256)));
    } catch (err) {
      await discardPartialFile(file, tmp);
      throw err;
    }
  };
}

/**
 * S3: an upload to the same key (a PUT, or a multipart upload completed only after the last part), so the object
 * is swapped whole. A failed body aborts the upload and leaves the old object in place.
 */
export function s3BlobRewriter(store: S3BlobStore, partSize = 8 * 1024 * 1024): BlobRewriter {
  return async (sha256, body) => {
    const upload = new Upload({ client: store.client, params: { Bucket: store.bucket, Key: blobKey(sha256), Body: body, ...store.sse }, partSize, queueSize: 2 });
    try {
      await upload.done();
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
  };
}
