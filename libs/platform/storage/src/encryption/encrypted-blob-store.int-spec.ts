import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../blob-store';
import { StorageModule } from '../storage.module';
import { describeBlobStoreContract, measureUploadRss, MiB, readAll } from '../../test/blob-store.contract';
import { blobKey } from '../blob-id';
import { createBlobStore } from '../create-blob-store';
import { FsBlobStore } from '../fs-blob-store';
import { S3BlobStore } from '../s3-blob-store';
import { EncryptedBlobStore } from './encrypted-blob-store';
import { LocalKeyWrapper } from './local-key-wrapper';
import { SelectiveEncryptionBlobStore } from './selective-blob-store';

const endpoint = process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090';
const kek = randomBytes(32);
const root = mkdtempSync(join(tmpdir(), 'mg-enc-int-'));
const fsStore = createBlobStore({ driver: 'fs', root, encryption: { mode: 'all', kek: kek.toString('base64') } });
const s3 = new S3BlobStore({
  endpoint,
  region: 'us-east-1',
  bucket: `mg-enc-${process.pid}-${Date.now()}`,
  accessKeyId: 'test',
  secretAccessKey: 'test',
  forcePathStyle: true,
  multipartPartSizeBytes: 5 * MiB,
});
const s3Store = new EncryptedBlobStore(s3, new LocalKeyWrapper(kek));
const MARKER = Buffer.from('MODELGUARD-KNOWN-PLAINTEXT-MARKER');

beforeAll(() => s3.ensureBucket());
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  for (;;) {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    if (!page.Contents?.length) break;
    for (const o of page.Contents) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: o.Key }));
  }
  await s3.client.send(new DeleteBucketCommand({ Bucket: s3.bucket })).catch(() => undefined);
  s3.destroy();
});

/** ~3 MiB of model-like content with the marker repeated throughout (so it would show up in any plaintext chunk). */
function markedContent(): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < 3 * 1024; i++) parts.push(MARKER, randomBytes(1024 - MARKER.length));
  return Buffer.concat(parts);
}

it('createBlobStore wraps the driver when STORAGE_ENCRYPTION is all', () => {
  // A selective store sealing every write (it still reads blobs written before encryption was switched on).
  expect(fsStore).toBeInstanceOf(SelectiveEncryptionBlobStore);
  expect((fsStore as SelectiveEncryptionBlobStore).sealAllWrites).toBe(true);
  expect((fsStore as SelectiveEncryptionBlobStore).sealed.inner).toBeInstanceOf(FsBlobStore);
});

it('StorageModule provides the encrypting store and still creates the bucket of the S3 driver beneath it', async () => {
  const bucket = `mg-enc-module-${process.pid}-${Date.now()}`;
  const storage = { driver: 's3' as const, endpoint, region: 'us-east-1', bucket, accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 5 * MiB, encryption: { mode: 'all' as const, kek: kek.toString('base64') } };
  @Module({ imports: [StorageModule.forRoot({ storage })] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    await s3.client.send(new HeadBucketCommand({ Bucket: bucket })); // throws unless onModuleInit created it
    const blobs = app.get(BlobStore);
    expect(blobs).toBeInstanceOf(SelectiveEncryptionBlobStore);
    const { sha256 } = await blobs.put(Readable.from([MARKER]));
    expect((await readAll(await blobs.get(sha256))).equals(MARKER)).toBe(true);
    await blobs.delete(sha256);
  } finally {
    await app.close();
    await s3.client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  }
});

describeBlobStoreContract('EncryptedBlobStore over fs', () => ({ store: fsStore, partSize: 64 * 1024, listTemp: async () => readdirSync(join(root, 'tmp')) }));

describeBlobStoreContract('EncryptedBlobStore over S3', () => ({
  store: s3Store,
  partSize: 5 * MiB,
  listTemp: async () => {
    const objects = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'tmp/' }));
    const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
    return [...(objects.Contents ?? []).map((o) => o.Key ?? '?'), ...(uploads.Uploads ?? []).map((u) => `upload:${u.Key}`)];
  },
}));

describe.each([
  ['fs', fsStore, async (sha: string) => readFileSync(join(root, blobKey(sha)))],
  [
    'S3',
    s3Store,
    async (sha: string) => {
      const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: blobKey(sha) }));
      return readAll(out.Body as Readable);
    },
  ],
] as const)('encrypted at rest on %s', (name, store, rawBytes) => {
  it('stores no plaintext, round-trips, and serves ranges', async () => {
    const data = markedContent();
    const { sha256, size } = await store.put(Readable.from([data]));
    expect(size).toBe(data.length);
    const raw = await rawBytes(sha256);
    expect(raw.length).toBeGreaterThan(data.length);
    expect(raw.includes(MARKER)).toBe(false);
    expect(data.includes(MARKER)).toBe(true);
    expect((await readAll(await store.get(sha256))).equals(data)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [65_535, 65_536],
      [1_000_000, 2_500_000],
      [data.length - 1, data.length + 100],
    ] as const) {
      expect((await readAll(await store.get(sha256, { start, end }))).equals(data.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    await store.delete(sha256);
  });

  it('leaves the stored ciphertext as it is when the same content is put again (a reader never sees it change)', async () => {
    const data = markedContent();
    const { sha256 } = await store.put(Readable.from([data]));
    const before = await rawBytes(sha256);
    expect((await store.put(Readable.from([data]))).created).toBe(false);
    expect((await rawBytes(sha256)).equals(before)).toBe(true);
    await store.delete(sha256);
  });

  it('streams 200 MiB in and out with flat memory', async () => {
    const { peakGrowth, sha256 } = await measureUploadRss(store, 200 * MiB);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const c of await store.get(sha256)) {
        hash.update(c as Buffer);
        bytes += (c as Buffer).length;
      }
    } finally {
      clearInterval(sampler);
    }
    const downGrowth = Math.max(peak, process.memoryUsage().rss) - baseline;
    console.info(`encrypted ${name} 200 MiB: upload RSS growth ${(peakGrowth / MiB).toFixed(1)} MiB, download ${(downGrowth / MiB).toFixed(1)} MiB`);
    expect(bytes).toBe(200 * MiB);
    expect(hash.digest('hex')).toBe(sha256);
    // fs isolates the encryption's own footprint; on S3, lib-storage also holds (queueSize + 1) x 5 MiB part
    // buffers plus the SDK's, which the plain driver's own test allows 100 MiB for.
    expect(peakGrowth).toBeLessThan((name === 'fs' ? 60 : 80) * MiB);
    expect(downGrowth).toBeLessThan(60 * MiB);
    await store.delete(sha256);
  }, 180_000);
});
