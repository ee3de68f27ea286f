import { buildServiceDataSource, migrateServiceSchema, schemaOf } from '@modelguard/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The postgres driver's own schema: apart from every service's tables, shared by all services that read blobs. */
export const BLOB_SCHEMA = 'blob_store';

/**
 * `contents` is one upload's bytes (its chunk rows); a `blobs` row names a finished content by its SHA-256. A
 * content without a blob row is a temporary upload (in progress, or left by a crash and swept by age), so a put
 * never copies its rows: committing is one INSERT of the name. Deleting a content cascades to its chunks.
 * `chunk_size` is kept per content so that changing STORAGE_POSTGRES_CHUNK_BYTES leaves older blobs readable.
 * The chunk column is EXTERNAL (TOAST out of line, uncompressed): model weights do not compress, so trying only
 * costs CPU, and uncompressed TOAST lets substring() read the few bytes of a range without detoasting the row.
 */
export class BlobStoreChunks1764900000000 implements MigrationInterface {
  name = 'BlobStoreChunks1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE "${s}"."contents" (
        "id" uuid PRIMARY KEY,
        "chunk_size" integer NOT NULL CHECK ("chunk_size" > 0),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."chunks" (
        "content_id" uuid NOT NULL REFERENCES "${s}"."contents" ("id") ON DELETE CASCADE,
        "idx" integer NOT NULL CHECK ("idx" >= 0),
        "data" bytea NOT NULL,
        PRIMARY KEY ("content_id", "idx")
      )`);
    await queryRunner.query(`ALTER TABLE "${s}"."chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL`);
    await queryRunner.query(`
      CREATE TABLE "${s}"."blobs" (
        "sha256" char(64) PRIMARY KEY CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
        "content_id" uuid NOT NULL UNIQUE REFERENCES "${s}"."contents" ("id"),
        "size" bigint NOT NULL CHECK ("size" >= 0),
        "modified_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_contents_created_at" ON "${s}"."contents" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${s}"."blobs", "${s}"."chunks", "${s}"."contents"`);
  }
}

/** Creates the schema and runs pending migrations (advisory-locked, so replicas may boot together). Two connections: the lock holder and the migration runner. */
export async function migrateBlobSchema(url: string, schema = BLOB_SCHEMA): Promise<void> {
  const dataSource = buildServiceDataSource({ url, poolSize: 2, schema, entities: [], migrations: [BlobStoreChunks1764900000000], applicationName: 'modelguard-blob-store-migrate' });
  await dataSource.initialize();
  try {
    await migrateServiceSchema(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
