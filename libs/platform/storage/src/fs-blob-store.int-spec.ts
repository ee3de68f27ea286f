import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from './fs-blob-store';
import { describeBlobStoreContract, measureUploadRss, MiB, readAll, sha256Of } from '../test/blob-store.contract';

const root = mkdtempSync(join(tmpdir(), 'mg-blobs-'));
const store = new FsBlobStore(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeBlobStoreContract('FsBlobStore', () => ({
  store,
  partSize: 64 * 1024, // fs has no parts; read-stream highWaterMark is the analogous boundary
  listTemp: async () => readdirSync(join(root, 'tmp')),
}));

describe('FsBlobStore specifics', () => {
  it('lays blobs out as sha256/aa/bb/<hash> under the root', async () => {
    const { Readable } = await import('node:stream');
    const data = Buffer.from('layout');
    const { sha256 } = await store.put(Readable.from([data]));
    expect(readdirSync(join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4)))).toContain(sha256);
    expect(sha256).toBe(sha256Of(data));
  });

  it('streams a 200 MiB upload with bounded memory', async () => {
    const { peakGrowth, size, sha256 } = await measureUploadRss(store, 200 * MiB);
    console.info(`fs 200 MiB upload: peak RSS growth ${(peakGrowth / MiB).toFixed(1)} MiB`);
    expect(size).toBe(200 * MiB);
    expect(peakGrowth).toBeLessThan(100 * MiB);
    const tail = await readAll(await store.get(sha256, { start: 200 * MiB - 10, end: 200 * MiB + 10 }));
    expect(tail.length).toBe(10);
    await store.delete(sha256);
  }, 120_000);
});

describe('FsBlobStore.sweepTemp', () => {
  it('removes stale temp files and keeps fresh ones', async () => {
    const { utimesSync, writeFileSync } = await import('node:fs');
    const stale = join(root, 'tmp', 'stale-upload');
    const fresh = join(root, 'tmp', 'fresh-upload');
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'y');
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(stale, old, old);
    expect(await store.sweepTemp(24 * 3600 * 1000)).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual(['fresh-upload']);
    expect(await store.sweepTemp(0)).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });
});
