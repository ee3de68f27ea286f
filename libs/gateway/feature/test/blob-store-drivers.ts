import { FsBlobStore, S3BlobStore } from '@modelguard/storage';
import { testInfra } from '@modelguard/testing';
import { join } from 'node:path';

export type TestBlobStore = FsBlobStore | S3BlobStore;

/** The blob stores a gateway test runs over: files in `dir`, and a fresh S3Mock bucket named after `prefix`. */
export function blobStoreDrivers(prefix: string): [string, (dir: string) => TestBlobStore][] {
  return [
    ['fs', (dir) => new FsBlobStore(join(dir, 'blobs'))],
    [
      's3',
      () =>
        new S3BlobStore({
          endpoint: testInfra.s3Endpoint, region: 'us-east-1', bucket: `${prefix}-${process.pid}-${Date.now()}`,
          accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 5 * 1024 * 1024,
        }),
    ],
  ];
}
