import { BlobNotFoundError } from '../blob-errors';
import { assertSha256 } from '../blob-id';
import type { BlobRewriter } from '../encryption/blob-rewriter';
import { HEADER_SIZE } from '../encryption/chunk-format';
import type { HeaderWriter } from '../encryption/rewrap';
import type { PostgresBlobStore } from './pg-blob-store';

/**
 * postgres: the new bytes go into a fresh content; one UPDATE then points the blob at it, so readers see the old
 * content or the new one, never a mix. The old content is not deleted here: a download already streaming it would
 * lose its rows. Unnamed, it becomes a temporary upload dated now and the start-up sweep drops it a day later.
 */
export function pgBlobRewriter(store: PostgresBlobStore): BlobRewriter {
  return async (sha256, body) => {
    assertSha256(sha256);
    const content = await store.writeContent(body);
    const rows = await store.durably<{ old: string }>(
      `WITH old AS (SELECT "content_id" FROM ${store.table('blobs')} WHERE "sha256" = $1),
       swapped AS (UPDATE ${store.table('blobs')} SET "content_id" = $2, "size" = $3 WHERE "sha256" = $1 RETURNING 1),
       retired AS (UPDATE ${store.table('contents')} SET "created_at" = now() WHERE "id" IN (SELECT "content_id" FROM old) RETURNING 1)
       SELECT "content_id" AS "old" FROM old`,
      [sha256, content.id, content.storedBytes],
    );
    if (rows.length === 0) {
      await store.pool.query(`DELETE FROM ${store.table('contents')} WHERE "id" = $1`, [content.id]);
      throw new BlobNotFoundError(sha256);
    }
  };
}

/** postgres: the header lies in the first chunk row (chunks are at least 64 KiB); one UPDATE rewrites it atomically. */
export function pgHeaderWriter(store: PostgresBlobStore): HeaderWriter {
  return async (sha256, header) => {
    if (header.length !== HEADER_SIZE) throw new Error(`header must be ${HEADER_SIZE} bytes`);
    const rows = await store.durably(
      `UPDATE ${store.table('chunks')} SET "data" = overlay("data" PLACING $2 FROM 1)
       WHERE "idx" = 0 AND "content_id" = (SELECT "content_id" FROM ${store.table('blobs')} WHERE "sha256" = $1) RETURNING 1`,
      [assertSha256(sha256), header],
    );
    if (rows.length !== 1) throw new BlobNotFoundError(sha256);
  };
}
