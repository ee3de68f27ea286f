import { DeleteBucketCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, patternStream } from '../test/blob-store.contract';
import { blobKey } from './blob-id';
import { createBlobStore } from './create-blob-store';
import { SelectiveEncryptionBlobStore } from './encryption/selective-blob-store';
import { S3BlobStore } from './s3-blob-store';

const base = {
  driver: 's3' as const,
  endpoint: process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090',
  region: 'us-east-1',
  accessKeyId: 'test',
  secretAccessKey: 'test',
  forcePathStyle: true,
  multipartPartSizeBytes: 5 * MiB,
};
const run = `${process.pid}-${Date.now()}`;
const plain = new S3BlobStore({ ...base, bucket: `mg-sse-off-${run}` });
const sse = new S3BlobStore({ ...base, bucket: `mg-sse-on-${run}`, serverSideEncryption: 'AES256' });
// Client-side envelope encryption and SSE together, as createBlobStore builds them from configuration.
const both = createBlobStore({ ...base, bucket: `mg-sse-both-${run}`, serverSideEncryption: 'AES256', encryption: { mode: 'all', kek: Buffer.alloc(32, 7).toString('base64') } });
const bothDriver = (both as SelectiveEncryptionBlobStore).sealed.inner as S3BlobStore;

beforeAll(async () => {
  for (const s of [plain, sse, bothDriver]) await s.ensureBucket();
});
afterAll(async () => {
  for (const s of [plain, sse, bothDriver]) {
    const page = await s.client.send(new ListObjectsV2Command({ Bucket: s.bucket }));
    for (const o of page.Contents ?? []) await s.client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: o.Key }));
    await s.client.send(new DeleteBucketCommand({ Bucket: s.bucket })).catch(() => undefined);
    s.destroy();
  }
});

const sseOf = async (s: S3BlobStore, sha256: string): Promise<string | undefined> =>
  (await s.client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: blobKey(sha256) }))).ServerSideEncryption;

describe('S3 server-side encryption (S3_SERVER_SIDE_ENCRYPTION)', () => {
  it('is requested on multipart uploads and kept through the copy into place; absent when not configured', async () => {
    const size = 6 * MiB + 3; // two parts
    expect(await sseOf(sse, (await sse.put(patternStream(size))).sha256)).toBe('AES256');
    expect(await sseOf(plain, (await plain.put(patternStream(size))).sha256)).toBeUndefined();
    expect(both).toBeInstanceOf(SelectiveEncryptionBlobStore);
    const { sha256 } = await both.put(patternStream(size));
    expect(await sseOf(bothDriver, sha256)).toBe('AES256');
    expect(await both.stat(sha256)).toEqual({ size });
  }, 60_000);
});
