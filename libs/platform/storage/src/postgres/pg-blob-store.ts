import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import type { PostgresStorageConfig } from '@modelguard/config';
import type { ComponentHealth } from '@modelguard/observability';
import { assertSchemaName, keepClientErrorsInside } from '@modelguard/persistence';
import type { ByteRange } from '@modelguard/packages';
import { BlobIntegrityError, BlobNotFoundError } from '../blob-errors';
import { assertSha256, resolveRange } from '../blob-id';
import { BlobStore, type PutBlobOptions, type PutBlobResult, type StoredBlob } from '../blob-store';
import { HashingStream } from '../hashing-stream';
import { BLOB_SCHEMA, migrateBlobSchema } from './pg-blob-schema';
import { ChunkWriter, chunkReader } from './pg-chunk-streams';

export interface PostgresBlobStoreOptions extends Omit<PostgresStorageConfig, 'driver'> {
  /** Tests use throw-away schemas; deployments keep the default. */
  schema?: string;
}

/**
 * Blobs inside PostgreSQL, for deployments that would rather back up and replicate one database than run an object
 * store too. Stored as chunk rows of `chunkSizeBytes` (pg-blob-schema.ts), chosen over large objects because
 * large objects are never freed with the row that names them (lo_unlink or vacuumlo must follow every delete),
 * live in the database-wide pg_largeobject instead of the driver's own schema, need an open transaction for the
 * whole of a read (a slow download would hold back vacuum for every service sharing the database), and are not
 * carried by logical replication. Rows need none of that: each chunk is an autocommit statement, a Range read
 * selects only the rows it covers, and deleting a content cascades to its chunks.
 */
export class PostgresBlobStore extends BlobStore {
  readonly pool: Pool;
  readonly schema: string;
  private readonly chunkSize: number;
  private migrated: Promise<void> | null = null;

  constructor(private readonly opts: PostgresBlobStoreOptions) {
    super();
    this.schema = assertSchemaName(opts.schema ?? BLOB_SCHEMA);
    this.chunkSize = opts.chunkSizeBytes;
    this.pool = new Pool({
      connectionString: opts.url,
      max: opts.poolSize,
      application_name: 'modelguard-blob-store',
      connectionTimeoutMillis: 10_000,
      // Chunk rows commit without waiting for their WAL flush (about 40% faster writes): nothing is durable until
      // the blob is named, and the naming commit (see `durably`) flushes the WAL up to its own record, which
      // includes every chunk written before it. A crash in between loses only an unnamed, swept upload.
      options: '-c synchronous_commit=off',
    });
    // A connection dropped by the server, idle or checked out between statements, must not crash the process:
    // the statement in progress fails, and the pool opens a new connection for the next one.
    this.pool.on('error', () => undefined);
    keepClientErrorsInside(this.pool, () => undefined);
  }

  /**
   * Creates the schema and its tables if missing. StorageModule runs it at start-up (like S3's ensureBucket); every
   * operation also awaits it once, because some services build their store outside StorageModule (ingest).
   */
  ensureSchema(): Promise<void> {
    this.migrated ??= migrateBlobSchema(this.opts.url, this.schema).catch((err: unknown) => {
      this.migrated = null; // a database that was down at boot is retried by the next operation
      throw err;
    });
    return this.migrated;
  }

  async destroy(): Promise<void> {
    await this.pool.end();
  }

  table(name: 'blobs' | 'contents' | 'chunks'): string {
    return `"${this.schema}"."${name}"`;
  }

  async put(body: Readable, opts: PutBlobOptions = {}): Promise<PutBlobResult> {
    const expected = opts.expectedSha256 === undefined ? undefined : assertSha256(opts.expectedSha256);
    const content = await this.writeContent(body, opts);
    const { hasher } = content;
    try {
      const sha256 = hasher.sha256;
      if (expected !== undefined && expected !== sha256) throw new BlobIntegrityError(expected, sha256);
      // Committing is naming the content: one row, no copy. On a duplicate the existing blob wins and its
      // modification time is refreshed (the janitor's grace period starts over, as with the fs and S3 drivers).
      const rows = await this.durably<{ content_id: string }>(
        `INSERT INTO ${this.table('blobs')} ("sha256", "content_id", "size") VALUES ($1, $2, $3)
         ON CONFLICT ("sha256") DO UPDATE SET "modified_at" = now() RETURNING "content_id"`,
        [sha256, content.id, content.storedBytes],
      );
      const created = rows[0]?.content_id === content.id;
      if (!created) await this.dropContent(content.id);
      return { sha256, size: hasher.byteCount, created };
    } catch (err) {
      await this.dropContent(content.id).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Streams `body` into a new content (a temporary upload until a blobs row names it). Also the first half of
   * an in-place rewrite (pg-blob-writers.ts). A failed stream drops the rows written so far.
   */
  async writeContent(body: Readable, opts: Pick<PutBlobOptions, 'maxBytes' | 'encode'> = {}): Promise<{ id: string; storedBytes: number; hasher: HashingStream }> {
    await this.ensureSchema();
    const id = randomUUID();
    await this.pool.query(`INSERT INTO ${this.table('contents')} ("id", "chunk_size") VALUES ($1, $2)`, [id, this.chunkSize]);
    const hasher = new HashingStream(opts.maxBytes);
    const writer = new ChunkWriter(this.pool, this.table('chunks'), id, this.chunkSize);
    try {
      const encoder = opts.encode?.();
      await (encoder ? pipeline(body, hasher, encoder, writer) : pipeline(body, hasher, writer));
    } catch (err) {
      await this.dropContent(id).catch(() => undefined);
      throw err;
    }
    return { id, storedBytes: writer.bytes, hasher };
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    assertSha256(sha256);
    await this.ensureSchema();
    const { rows } = await this.pool.query<{ size: string; content_id: string; chunk_size: number }>(
      `SELECT b."size", b."content_id", c."chunk_size" FROM ${this.table('blobs')} b JOIN ${this.table('contents')} c ON c."id" = b."content_id" WHERE b."sha256" = $1`,
      [sha256],
    );
    const row = rows[0];
    if (!row) throw new BlobNotFoundError(sha256);
    const size = Number(row.size);
    const r = range ? resolveRange(range, size) : { start: 0, end: size - 1 };
    if (r.end < r.start) return Readable.from([]);
    return chunkReader(this.pool, this.table('chunks'), { sha256, contentId: row.content_id, chunkSize: row.chunk_size }, r.start, r.end);
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    assertSha256(sha256);
    await this.ensureSchema();
    const { rows } = await this.pool.query<{ size: string }>(`SELECT "size" FROM ${this.table('blobs')} WHERE "sha256" = $1`, [sha256]);
    return rows[0] ? { size: Number(rows[0].size) } : null;
  }

  async delete(sha256: string): Promise<void> {
    await this.deleteMany([assertSha256(sha256)]);
  }

  async deleteMany(sha256s: readonly string[]): Promise<void> {
    const ids = sha256s.map((s) => assertSha256(s));
    await this.ensureSchema();
    for (let i = 0; i < ids.length; i += 1000) {
      // One statement: the names go and their contents (with every chunk, by cascade) go with them.
      await this.pool.query(
        `WITH gone AS (DELETE FROM ${this.table('blobs')} WHERE "sha256" = ANY($1::text[]) RETURNING "content_id")
         DELETE FROM ${this.table('contents')} WHERE "id" IN (SELECT "content_id" FROM gone)`,
        [ids.slice(i, i + 1000)],
      );
    }
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    await this.ensureSchema();
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.table('contents')} c WHERE c."created_at" < now() - $1 * interval '1 millisecond'
       AND NOT EXISTS (SELECT 1 FROM ${this.table('blobs')} b WHERE b."content_id" = c."id")`,
      [olderThanMs],
    );
    return rowCount ?? 0;
  }

  async *list(pageSize = 1000): AsyncIterable<StoredBlob[]> {
    // Keyset pages by name: each page is one index range scan, however far into the store it is.
    await this.ensureSchema();
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<{ sha256: string; size: string; modified_at: Date }>(
        `SELECT "sha256", "size", "modified_at" FROM ${this.table('blobs')} WHERE "sha256" > $1 ORDER BY "sha256" LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => ({ sha256: r.sha256, size: Number(r.size), modifiedAt: r.modified_at }));
      after = rows[rows.length - 1]?.sha256 ?? after;
      if (rows.length < pageSize) return;
    }
  }

  async healthCheck(): Promise<ComponentHealth> {
    await this.ensureSchema();
    // Reads the driver's own table, so a missing schema or revoked grant shows here, not on the first upload.
    const { rows } = await this.pool.query<{ bytes: string }>(`SELECT pg_total_relation_size($1::regclass) AS "bytes"`, [`${this.schema}.chunks`]);
    return { status: 'ok', metrics: { driver: 'postgres', stored_bytes: Number(rows[0]?.bytes ?? 0) } };
  }

  /** Runs one statement in a transaction whose commit waits for the WAL flush (the pool's default does not). */
  async durably<R extends object>(text: string, values: unknown[]): Promise<R[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN; SET LOCAL synchronous_commit = on');
      try {
        const { rows } = await client.query<R>(text, values);
        await client.query('COMMIT');
        return rows;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  }

  private async dropContent(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table('contents')} WHERE "id" = $1`, [id]);
  }
}
