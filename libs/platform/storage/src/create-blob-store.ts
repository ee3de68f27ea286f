import type { StorageConfig } from '@modelguard/config';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { S3BlobStore } from './s3-blob-store';
import { EncryptedBlobStore } from './encryption/encrypted-blob-store';
import { LocalKeyWrapper } from './encryption/local-key-wrapper';

/** Picks the implementation for a storage config (also usable outside Nest, e.g. in scripts). */
export function createBlobStore(config: StorageConfig): BlobStore {
  const driver = createDriver(config);
  if (config.encryption?.mode !== 'all') return driver;
  return new EncryptedBlobStore(driver, new LocalKeyWrapper(Buffer.from(config.encryption.kek, 'base64')));
}

function createDriver(config: StorageConfig): BlobStore {
  switch (config.driver) {
    case 'fs':
      return new FsBlobStore(config.root);
    case 's3':
      return new S3BlobStore(config);
  }
}
