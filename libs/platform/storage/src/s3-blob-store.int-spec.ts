import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthModule } from '@modelguard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from './blob-store';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';
import { StorageModule } from './storage.module';
import { describeBlobStoreContract, measureUploadRss, MiB, readAll, sha256Of } from '../test/blob-store.contract';

const endpoint = process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090';
const runId = `${process.pid}-${Date.now()}`;
const options = (bucket: string): S3BlobStoreOptions => ({
  endpoint,
  region: 'us-east-1',
  bucket,
  accessKeyId: 'test',
  secretAccessKey: 'test',
  forcePathStyle: true,
  multipartPartSizeBytes: 5 * MiB, // S3's minimum, so part boundaries are cheap to cross in tests
});

const store = new S3BlobStore(options(`mg-blobs-${runId}`));
const buckets = [store.bucket];

async function listTemp(s: S3BlobStore = store): Promise<string[]> {
  const objects = await s.client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: 'tmp/' }));
  const uploads = await s.client.send(new ListMultipartUploadsCommand({ Bucket: s.bucket }));
  return [...(objects.Contents ?? []).map((o) => o.Key ?? '?'), ...(uploads.Uploads ?? []).map((u) => `upload:${u.Key}`)];
}

async function emptyAndDelete(s: S3BlobStore, bucket: string): Promise<void> {
  for (;;) {
    const page = await s.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (!page.Contents?.length) break;
    for (const o of page.Contents) await s.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
  }
  await s.client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

beforeAll(async () => {
  await store.ensureBucket();
  await store.ensureBucket(); // idempotent
});
afterAll(async () => {
  for (const b of buckets) await emptyAndDelete(store, b).catch(() => undefined);
  store.destroy();
});

describeBlobStoreContract('S3BlobStore', () => ({ store, listTemp, partSize: 5 * MiB }));

describe('S3BlobStore specifics', () => {
  it('stores objects under sha256/aa/bb/<hash>', async () => {
    const data = Buffer.from('layout');
    const { sha256 } = await store.put(Readable.from([data]));
    const list = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/` }));
    expect(list.Contents?.map((o) => o.Key)).toContain(`sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`);
  });

  it('commits large objects with a multipart server-side copy', async () => {
    const small = new S3BlobStore({ ...options(store.bucket), copyLimits: { singleCopyMaxBytes: 6 * MiB, copyPartSizeBytes: 5 * MiB } });
    try {
      const data = randomBytes(13 * MiB);
      const { sha256, size } = await small.put(Readable.from([data.subarray(0, 4 * MiB), data.subarray(4 * MiB)]));
      expect(size).toBe(data.length);
      expect(sha256).toBe(sha256Of(data));
      const whole = await readAll(await small.get(sha256));
      expect(sha256Of(whole)).toBe(sha256);
      const across = await readAll(await small.get(sha256, { start: 5 * MiB - 3, end: 10 * MiB + 2 }));
      expect(across.equals(data.subarray(5 * MiB - 3, 10 * MiB + 3))).toBe(true);
      expect(await listTemp(small)).toEqual([]);
    } finally {
      small.destroy();
    }
  });

  it('streams a 200 MiB upload with bounded memory', async () => {
    const big = new S3BlobStore({ ...options(store.bucket), multipartPartSizeBytes: 16 * MiB });
    try {
      const { peakGrowth, size, sha256 } = await measureUploadRss(big, 200 * MiB);
      console.info(`s3 200 MiB upload (16 MiB parts, queue 2): peak RSS growth ${(peakGrowth / MiB).toFixed(1)} MiB`);
      expect(size).toBe(200 * MiB);
      // (queueSize + 1) x part size = 48 MiB of part buffers, plus SDK/HTTP overhead.
      expect(peakGrowth).toBeLessThan(160 * MiB);
      expect((await big.stat(sha256))?.size).toBe(200 * MiB);
      const tail = await readAll(await big.get(sha256, { start: 200 * MiB - 16, end: 300 * MiB }));
      expect(tail.length).toBe(16);
      await big.delete(sha256);
    } finally {
      big.destroy();
    }
  }, 300_000);

  it('fails the health check, promptly, when S3 is unreachable', async () => {
    const dead = new S3BlobStore({ ...options('nowhere'), endpoint: 'http://127.0.0.1:1' });
    const started = Date.now();
    await expect(dead.healthCheck()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(15_000);
    dead.destroy();
  });
});

describe('StorageModule', () => {
  @Injectable()
  class Consumer {
    constructor(readonly blobs: BlobStore) {}
  }

  it('creates the bucket, injects BlobStore and contributes the object-storage health component', async () => {
    const bucket = `mg-module-${runId}`;
    buckets.push(bucket);
    const storage = { driver: 's3' as const, ...options(bucket) };
    @Module({ imports: [StorageModule.forRoot({ storage }), HealthModule.forRoot({ sampleIntervalMs: 0 })], providers: [Consumer] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    try {
      await app.listen(0, '127.0.0.1');
      await store.client.send(new HeadBucketCommand({ Bucket: bucket })); // throws if not created
      const consumer = app.get(Consumer);
      expect(consumer.blobs).toBeInstanceOf(S3BlobStore);
      const res = await fetch(`${await app.getUrl()}/health/components`);
      const body = (await res.json()) as { components: { id: string; status: string }[] };
      expect(body.components).toContainEqual(expect.objectContaining({ id: 'object-storage', status: 'ok' }));
    } finally {
      await app.close();
    }
  });
});
