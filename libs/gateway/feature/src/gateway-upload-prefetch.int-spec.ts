import { Topic } from '@modelguard/contracts';
import { S3BlobStore } from '@modelguard/storage';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { blobStoreDrivers, type TestBlobStore } from '../test/blob-store-drivers';
import { buildStreamedZip, unzipToMap } from '../test/zip-test-utils';

const drivers = blobStoreDrivers('mg-prefetch');

/**
 * Uploads store entries while the body arrives and skip stored entries' bytes in the spool file (ZipPrefetcher,
 * PrefetchingSpool); the central directory still decides, reading skipped bytes back from the blob store.
 */
describe.each(drivers)('upload prefetch through the gateway (%s blob store)', (_driver, makeStore) => {
  let app: GatewayTestApp;
  let dir: string;
  let spool: string;
  let store: TestBlobStore;
  let token: string;

  const uploadAndDownload = async (zip: Buffer, name: string): Promise<Map<string, Buffer>> => {
    const up = await app.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: zip, contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const ref = { artifactId: up.body.metadata.id, artifactType: 'model' as const, name };
    const counts = { info: 0, warning: 0, error: 0, critical: 0 };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: counts }, ref.artifactId);
    const download = await app.client.call<Buffer>('GET', `/artifacts/model/${ref.artifactId}/download`, { token });
    expect(download.status).toBe(200);
    return unzipToMap(download.raw);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prefetch-test-'));
    spool = join(dir, 'spool');
    store = makeStore(dir);
    if (store instanceof S3BlobStore) await store.ensureBucket();
    app = await startGatewayTestApp({ blobStore: store, gateway: { tmpDir: spool } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    if (store instanceof S3BlobStore) store.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a streamed zip\'s entries as they arrive; the package downloads byte for byte and no spool is left', async () => {
    const weights = randomBytes(3 * 1024 * 1024);
    const files = await uploadAndDownload(await buildStreamedZip({ 'model.safetensors': weights, 'config.json': Buffer.from('{}') }), 'streamed');
    expect(files.get('model.safetensors')?.equals(weights)).toBe(true);
    expect(files.get('config.json')?.toString()).toBe('{}');
    expect(await readdir(spool)).toEqual([]);
  });

  it('keeps the whole entry when a data descriptor is forged inside it (the skipped bytes come back from the store)', async () => {
    const prefix = randomBytes(200_000);
    const forged = Buffer.alloc(16);
    forged.writeUInt32LE(0x08074b50, 0);
    forged.writeUInt32LE(crc32(prefix), 4);
    forged.writeUInt32LE(prefix.length, 8);
    forged.writeUInt32LE(prefix.length, 12);
    const data = Buffer.concat([prefix, forged, randomBytes(300_000)]);
    const files = await uploadAndDownload(await buildStreamedZip({ 'weights.bin': data }), 'forged-descriptor');
    expect(files.get('weights.bin')?.equals(data)).toBe(true);
  });
});
