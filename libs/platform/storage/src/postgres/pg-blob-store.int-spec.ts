import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { dropSchemas, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError } from '../blob-errors';
import { EncryptedBlobStore } from '../encryption/encrypted-blob-store';
import { LocalKeyWrapper } from '../encryption/local-key-wrapper';
import { SelectiveEncryptionBlobStore } from '../encryption/selective-blob-store';
import { describeBlobStoreContract, measureUploadRss, MiB, readAll, sha256Of } from '../../test/blob-store.contract';
import { PostgresBlobStore } from './pg-blob-store';
import { pgBlobRewriter, pgHeaderWriter } from './pg-blob-writers';

const url = testInfra.databaseUrl;
const schema = `blob_store_t${process.pid}_${Date.now() % 1_000_000}`;
const CHUNK = 64 * 1024; // the smallest allowed, so chunk boundaries are cheap to cross
const store = new PostgresBlobStore({ url, poolSize: 4, chunkSizeBytes: CHUNK, schema });

const unnamedContents = (): Promise<string[]> =>
  queryRows<{ id: string }>(url, `SELECT c."id" FROM "${schema}"."contents" c WHERE NOT EXISTS (SELECT 1 FROM "${schema}"."blobs" b WHERE b."content_id" = c."id")`).then((r) => r.map((x) => x.id));

beforeAll(async () => {
  await store.ensureSchema();
  // A second replica booting against the migrated schema finds no pending migration.
  const replica = new PostgresBlobStore({ url, poolSize: 1, chunkSizeBytes: CHUNK, schema });
  await replica.ensureSchema();
  await replica.destroy();
});
afterAll(async () => {
  await store.destroy();
  await dropSchemas(url, [schema]);
});

describeBlobStoreContract('PostgresBlobStore', () => ({ store, partSize: CHUNK, listTemp: unnamedContents }));

describe('PostgresBlobStore specifics', () => {
  it('stores a blob as rows of exactly the chunk size (the last one shorter) and names it with one row', async () => {
    const data = randomBytes(2 * CHUNK + 100);
    const { sha256 } = await store.put(Readable.from([data.subarray(0, 10), data.subarray(10)]));
    const rows = await queryRows<{ idx: number; len: number }>(
      url,
      `SELECT k."idx", length(k."data") AS "len" FROM "${schema}"."chunks" k JOIN "${schema}"."blobs" b ON b."content_id" = k."content_id" WHERE b."sha256" = $1 ORDER BY k."idx"`,
      [sha256],
    );
    expect(rows).toEqual([
      { idx: 0, len: CHUNK },
      { idx: 1, len: CHUNK },
      { idx: 2, len: 100 },
    ]);
    expect(sha256).toBe(sha256Of(data));
  });

  it('streams a 64 MiB upload with bounded memory and reads a range at its end', async () => {
    const { peakGrowth, size, sha256 } = await measureUploadRss(store, 64 * MiB);
    console.info(`postgres 64 MiB upload: peak RSS growth ${(peakGrowth / MiB).toFixed(1)} MiB`);
    expect(size).toBe(64 * MiB);
    expect(peakGrowth).toBeLessThan(48 * MiB);
    const tail = await readAll(await store.get(sha256, { start: 64 * MiB - 10, end: 64 * MiB + 10 }));
    expect(tail.length).toBe(10);
    await store.delete(sha256);
    expect(await unnamedContents()).toEqual([]);
  }, 120_000);

  it('ends a read with BlobNotFoundError when the blob is deleted while it streams', async () => {
    const { sha256 } = await store.put(Readable.from([randomBytes(8 * CHUNK)]));
    const stream = await store.get(sha256);
    await store.delete(sha256);
    await expect(readAll(stream)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('sweeps a stale unnamed content (a crashed upload) with its chunks, and keeps named blobs', async () => {
    const { sha256 } = await store.put(Readable.from([Buffer.from(`kept ${randomBytes(8).toString('hex')}`)]));
    const orphan = '00000000-0000-4000-8000-000000000001';
    await queryRows(url, `INSERT INTO "${schema}"."contents" ("id", "chunk_size", "created_at") VALUES ($1, $2, now() - interval '2 days')`, [orphan, CHUNK]);
    await queryRows(url, `INSERT INTO "${schema}"."chunks" ("content_id", "idx", "data") VALUES ($1, 0, $2)`, [orphan, Buffer.from('left over')]);
    expect(await store.sweepTemp(24 * 3600 * 1000)).toBe(1);
    expect(await queryRows(url, `SELECT 1 FROM "${schema}"."chunks" WHERE "content_id" = $1`, [orphan])).toEqual([]);
    expect(await store.stat(sha256)).not.toBeNull();
  });

  it('seals a plaintext blob in place and re-wraps its key (the encryption writers for postgres)', async () => {
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);
    const writers = { rewrite: pgBlobRewriter(store), writeHeader: pgHeaderWriter(store) };
    const before = new SelectiveEncryptionBlobStore(new EncryptedBlobStore(store, new LocalKeyWrapper(oldKek)), writers, false);
    const data = randomBytes(3 * CHUNK + 7);
    const { sha256 } = await before.put(Readable.from([data]));
    expect(await before.isSealed(sha256)).toBe(false);
    expect(await before.seal(sha256)).toBe(true);
    expect(await before.isSealed(sha256)).toBe(true);
    expect((await readAll(await before.get(sha256))).equals(data)).toBe(true);
    expect((await readAll(await before.get(sha256, { start: CHUNK - 5, end: CHUNK + 5 }))).equals(data.subarray(CHUNK - 5, CHUNK + 6))).toBe(true);
    // The replaced plaintext content stays (unnamed) for reads already streaming it; the sweep drops it later.
    expect((await unnamedContents()).length).toBe(1);
    expect(await store.sweepTemp(60_000)).toBe(0);
    expect(await store.sweepTemp(0)).toBe(1);

    const after = new SelectiveEncryptionBlobStore(new EncryptedBlobStore(store, new LocalKeyWrapper(newKek, [oldKek])), writers, false);
    expect(await after.rewrap(sha256)).toBe(true);
    expect(await after.rewrap(sha256)).toBe(false);
    const onlyNew = new SelectiveEncryptionBlobStore(new EncryptedBlobStore(store, new LocalKeyWrapper(newKek)), writers, false);
    expect((await readAll(await onlyNew.get(sha256))).equals(data)).toBe(true);
    await expect(pgHeaderWriter(store)(sha256Of(randomBytes(8)), Buffer.alloc(192))).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete(sha256);
  });

  it('stores sealed uploads (STORAGE_ENCRYPTION=all): ciphertext in the rows, plaintext and ranges out', async () => {
    const sealed = new EncryptedBlobStore(store, new LocalKeyWrapper(randomBytes(32)));
    const data = Buffer.concat([Buffer.from('PLAINTEXT-MARKER'), randomBytes(2 * CHUNK)]);
    const { sha256, size } = await sealed.put(Readable.from([data]));
    expect({ sha256, size }).toEqual({ sha256: sha256Of(data), size: data.length });
    const rows = await queryRows<{ data: Buffer }>(
      url,
      `SELECT k."data" FROM "${schema}"."chunks" k JOIN "${schema}"."blobs" b ON b."content_id" = k."content_id" WHERE b."sha256" = $1`,
      [sha256],
    );
    expect(Buffer.concat(rows.map((r) => r.data)).includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
    expect((await readAll(await sealed.get(sha256))).equals(data)).toBe(true);
    expect((await readAll(await sealed.get(sha256, { start: CHUNK, end: CHUNK + 99 }))).equals(data.subarray(CHUNK, CHUNK + 100))).toBe(true);
    await store.delete(sha256);
  });
});
