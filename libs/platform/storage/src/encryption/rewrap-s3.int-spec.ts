import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, patternStream, readAll } from '../../test/blob-store.contract';
import { blobKey } from '../blob-id';
import { S3BlobStore } from '../s3-blob-store';
import { HEADER_SIZE } from './chunk-format';
import { EncryptedBlobStore } from './encrypted-blob-store';
import { EncryptionKeyError } from './encryption-errors';
import { LocalKeyWrapper } from './local-key-wrapper';
import { rewrapBlob } from './rewrap';
import { s3HeaderWriter } from './rewrap-s3';

const s3 = new S3BlobStore({
  endpoint: process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090',
  region: 'us-east-1',
  bucket: `mg-rewrap-${process.pid}-${Date.now()}`,
  accessKeyId: 'test',
  secretAccessKey: 'test',
  forcePathStyle: true,
  multipartPartSizeBytes: 5 * MiB,
});
beforeAll(() => s3.ensureBucket());
afterAll(async () => {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  for (const o of page.Contents ?? []) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: o.Key }));
  await s3.client.send(new DeleteBucketCommand({ Bucket: s3.bucket })).catch(() => undefined);
  s3.destroy();
});

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const rawObject = async (sha: string): Promise<Buffer> =>
  readAll((await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: blobKey(sha) }))).Body as Readable);

describe('rewrapBlob on S3', () => {
  it.each([
    ['small (single PUT)', 300_000],
    ['large (first part re-uploaded, rest copied server-side)', 23 * MiB + 17],
  ])('%s: header replaced, chunks byte-identical, old KEK no longer needed', async (_name, size) => {
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);
    const before = new EncryptedBlobStore(s3, new LocalKeyWrapper(oldKek));
    const { sha256 } = await before.put(patternStream(size));
    const stored = await rawObject(sha256);
    const rotating = new EncryptedBlobStore(s3, new LocalKeyWrapper(newKek, [oldKek]));
    expect(await rewrapBlob(rotating, sha256, s3HeaderWriter(s3))).toBe(true);
    const after = await rawObject(sha256);
    expect(after.length).toBe(stored.length);
    expect(digest(after.subarray(HEADER_SIZE))).toBe(digest(stored.subarray(HEADER_SIZE)));
    expect(after.subarray(0, HEADER_SIZE).equals(stored.subarray(0, HEADER_SIZE))).toBe(false);
    const newOnly = new EncryptedBlobStore(s3, new LocalKeyWrapper(newKek));
    expect(digest(await readAll(await newOnly.get(sha256)))).toBe(sha256);
    await expect(before.get(sha256)).rejects.toBeInstanceOf(EncryptionKeyError);
    await s3.delete(sha256);
  }, 60_000);
});
