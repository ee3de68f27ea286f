import type { StorageConfig } from '@modelguard/config';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { S3BlobStore } from './s3-blob-store';
import { fsBlobRewriter, s3BlobRewriter } from './encryption/blob-rewriter';
import { EncryptedBlobStore } from './encryption/encrypted-blob-store';
import { LocalKeyWrapper } from './encryption/local-key-wrapper';
import { fsHeaderWriter } from './encryption/rewrap';
import { s3HeaderWriter } from './encryption/rewrap-s3';
import { SelectiveEncryptionBlobStore } from './encryption/selective-blob-store';
import { PostgresBlobStore } from './postgres/pg-blob-store';
import { pgBlobRewriter, pgHeaderWriter } from './postgres/pg-blob-writers';
import type { BlobRewriter } from './encryption/blob-rewriter';
import type { HeaderWriter } from './encryption/rewrap';

/** Picks the implementation for a storage config (also usable outside Nest, e.g. in scripts). */
export function createBlobStore(config: StorageConfig): BlobStore {
  const driver = createDriver(config);
  const enc = config.encryption;
  if (enc === undefined || enc.mode === 'off') return driver;
  const keys = new LocalKeyWrapper(
    Buffer.from(enc.kek, 'base64'),
    (enc.retiredKeks ?? []).map((k) => Buffer.from(k, 'base64')),
  );
  const writers = writersFor(config, driver);
  // Both modes read plaintext and sealed blobs side by side, so a store can be switched from off (or sensitive) to
  // all and migrated while it serves (migrateStore in encryption/store-migration.ts).
  return new SelectiveEncryptionBlobStore(new EncryptedBlobStore(driver, keys), writers, enc.mode === 'all');
}

function createDriver(config: StorageConfig): BlobStore {
  switch (config.driver) {
    case 'fs':
      return new FsBlobStore(config.root);
    case 's3':
      return new S3BlobStore(config);
    case 'postgres':
      return new PostgresBlobStore(config);
  }
}

/** How the encrypting decorator replaces a blob's bytes or its header in place, per driver. */
function writersFor(config: StorageConfig, driver: BlobStore): { rewrite: BlobRewriter; writeHeader: HeaderWriter } {
  switch (config.driver) {
    case 's3':
      return { rewrite: s3BlobRewriter(driver as S3BlobStore), writeHeader: s3HeaderWriter(driver as S3BlobStore) };
    case 'postgres':
      return { rewrite: pgBlobRewriter(driver as PostgresBlobStore), writeHeader: pgHeaderWriter(driver as PostgresBlobStore) };
    case 'fs':
      return { rewrite: fsBlobRewriter(config.root), writeHeader: fsHeaderWriter(config.root) };
  }
}
