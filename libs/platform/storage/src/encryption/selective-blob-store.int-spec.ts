import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { StorageConfig } from '@modelguard/config';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, readAll, sha256Of } from '../../test/blob-store.contract';
import { BlobIntegrityError } from '../blob-errors';
import { blobKey } from '../blob-id';
import { createBlobStore } from '../create-blob-store';
import { S3BlobStore } from '../s3-blob-store';
import { HEADER_SIZE, MAGIC } from './chunk-format';
import { BlobDecryptionError, EncryptionKeyError } from './encryption-errors';
import { LocalKeyWrapper } from './local-key-wrapper';
import { SelectiveEncryptionBlobStore } from './selective-blob-store';
import { migrateStore } from './store-migration';

const endpoint = process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090';
const MARKER = Buffer.from('SELECTIVE-PLAINTEXT-MARKER-0451');
/** 200 KB with the marker in every 1 KiB: any plaintext chunk on disk would contain it. */
const payload = (): Buffer => Buffer.concat(Array.from({ length: 200 }, () => Buffer.concat([MARKER, randomBytes(1024 - MARKER.length)])));
const b64 = (k: Buffer): string => k.toString('base64');

interface Driver {
  name: string;
  /** Storage config for a mode; every config of one driver addresses the same directory or bucket. */
  config(encryption: StorageConfig['encryption']): StorageConfig;
  stored(sha256: string): Promise<Buffer>;
  overwrite(sha256: string, bytes: Buffer): Promise<void>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

const root = mkdtempSync(join(tmpdir(), 'mg-selective-'));
const bucket = `mg-selective-${process.pid}-${Date.now()}`;
const s3Options = { endpoint, region: 'us-east-1', bucket, accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 5 * MiB };
const s3 = new S3BlobStore(s3Options);

const drivers: Driver[] = [
  {
    name: 'fs',
    config: (encryption) => ({ driver: 'fs', root, encryption }),
    stored: async (sha) => readFileSync(join(root, blobKey(sha))),
    overwrite: async (sha, bytes) => writeFileSync(join(root, blobKey(sha)), bytes),
    setUp: async () => undefined,
    tearDown: async () => rmSync(root, { recursive: true, force: true }),
  },
  {
    name: 's3',
    config: (encryption) => ({ driver: 's3', ...s3Options, encryption }),
    stored: async (sha) => readAll((await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: blobKey(sha) }))).Body as Readable),
    overwrite: async (sha, bytes) => {
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: blobKey(sha), Body: bytes }));
    },
    setUp: () => s3.ensureBucket(),
    tearDown: async () => {
      const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const o of page.Contents ?? []) await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
      await s3.client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      s3.destroy();
    },
  },
];

describe.each(drivers)('selective encryption over $name (STORAGE_ENCRYPTION=sensitive|all)', (d) => {
  const kek1 = randomBytes(32);
  const kek2 = randomBytes(32);
  const open = (mode: 'sensitive' | 'all', kek = kek1, retired: Buffer[] = []): SelectiveEncryptionBlobStore =>
    createBlobStore(d.config({ mode, kek: b64(kek), ...(retired.length ? { retiredKeks: retired.map(b64) } : {}) })) as SelectiveEncryptionBlobStore;
  /** Left tampered by one test; the migration walking the whole store must report it and go on. */
  let tamperedSha = '';
  const put = async (store: { put: SelectiveEncryptionBlobStore['put'] }, data: Buffer): Promise<string> => (await store.put(Readable.from([data]))).sha256;

  beforeAll(() => d.setUp());
  afterAll(() => d.tearDown());

  it('keeps uploads plaintext until sealed; sealing is in place, idempotent, and reads (whole and ranged) decrypt transparently', async () => {
    const store = open('sensitive');
    const data = payload();
    const sha = await put(store, data);
    expect((await d.stored(sha)).equals(data)).toBe(true);
    expect(await store.isSealed(sha)).toBe(false);

    expect(await store.seal(sha)).toBe(true);
    const sealed = await d.stored(sha);
    expect(sealed.subarray(0, 4).equals(MAGIC)).toBe(true);
    expect(sealed.includes(MARKER)).toBe(false);
    expect(await store.seal(sha)).toBe(false);
    expect((await readAll(await store.get(sha))).equals(data)).toBe(true);
    expect((await readAll(await store.get(sha, { start: 65_530, end: 70_000 }))).equals(data.subarray(65_530, 70_001))).toBe(true);
    expect(await store.stat(sha)).toEqual({ size: data.length });

    // The same content uploaded again for a non-sensitive model: deduplicated onto the sealed object, no plaintext copy.
    expect((await store.put(Readable.from([data]))).created).toBe(false);
    expect((await d.stored(sha)).includes(MARKER)).toBe(false);
  });

  it('serves a read that was already open when the seal committed, and refuses to seal a tampered plaintext blob', async () => {
    const store = open('sensitive');
    const data = payload();
    const sha = await put(store, data);
    const reading = await store.get(sha);
    expect(await store.seal(sha)).toBe(true);
    expect((await readAll(reading)).equals(data)).toBe(true);

    const other = payload();
    const otherSha = await put(store, other);
    const tampered = Buffer.from(other);
    tampered[1000] = (tampered[1000] ?? 0) ^ 1;
    await d.overwrite(otherSha, tampered);
    await expect(store.seal(otherSha)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect((await d.stored(otherSha)).equals(tampered)).toBe(true); // left as it was, for the download check to refuse
    tamperedSha = otherSha;
  });

  it('seals an upload whose own bytes start with the magic, so a plaintext blob can never pass for a sealed one', async () => {
    const store = open('sensitive');
    const lookalike = Buffer.concat([MAGIC, randomBytes(5000)]);
    const sha = await put(store, lookalike);
    expect((await d.stored(sha)).equals(lookalike)).toBe(false);
    expect((await readAll(await store.get(sha))).equals(lookalike)).toBe(true);
  });

  it('migrates a plaintext store to all: every blob sealed while readable, a rerun changes nothing', async () => {
    const plain = createBlobStore(d.config({ mode: 'off' }));
    const blobs = [payload(), payload(), Buffer.alloc(0)];
    const shas = await Promise.all(blobs.map((b) => put(plain, b)));
    const store = open('all');
    for (const [i, sha] of shas.entries()) expect((await readAll(await store.get(sha))).equals(blobs[i]!)).toBe(true);
    const first = await migrateStore(store, 'seal');
    expect(first.failed).toEqual([{ sha256: tamperedSha, reason: expect.stringMatching(/does not match the expected/) }]);
    expect(first.changed).toBeGreaterThanOrEqual(3);
    for (const [i, sha] of shas.entries()) {
      expect((await d.stored(sha)).subarray(0, 4).equals(MAGIC)).toBe(true);
      expect((await readAll(await store.get(sha))).equals(blobs[i]!)).toBe(true);
    }
    expect(await migrateStore(store, 'seal')).toMatchObject({ changed: 0, failed: [{ sha256: tamperedSha }] });
  });

  it('rotates the KEK: reads use the key id the envelope names, re-wrap rewrites only headers, unknown key and truncation are clear errors', async () => {
    const before = open('all', kek1);
    const data = payload();
    const sha = await put(before, data);
    const original = await d.stored(sha);

    const rotated = open('all', kek2, [kek1]);
    expect((await readAll(await rotated.get(sha))).equals(data)).toBe(true); // old envelope, retired key
    const report = await migrateStore(rotated, 'rewrap');
    expect(report.failed).toEqual([]);
    expect(report.changed).toBeGreaterThanOrEqual(1);
    const after = await d.stored(sha);
    expect(after.length).toBe(original.length);
    expect(after.subarray(HEADER_SIZE).equals(original.subarray(HEADER_SIZE))).toBe(true); // bodies untouched
    expect(after.subarray(0, HEADER_SIZE).includes(Buffer.from(LocalKeyWrapper.keyIdOf(kek2)))).toBe(true);
    expect(after.subarray(0, HEADER_SIZE).includes(Buffer.from(LocalKeyWrapper.keyIdOf(kek1)))).toBe(false);
    expect((await migrateStore(rotated, 'rewrap')).changed).toBe(0);

    expect((await readAll(await open('all', kek2).get(sha))).equals(data)).toBe(true); // retired key no longer needed
    const err = await open('all', kek1).get(sha).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(EncryptionKeyError);
    expect((err as Error).message).toContain(LocalKeyWrapper.keyIdOf(kek2));

    await d.overwrite(sha, after.subarray(0, after.length - 100));
    const cut = await readAll(await open('all', kek2).get(sha)).then(() => null, (e: unknown) => e);
    expect(cut).toBeInstanceOf(BlobDecryptionError);
    expect((cut as Error).message).toMatch(/truncated|failed authentication/);
    await d.overwrite(sha, after.subarray(0, HEADER_SIZE - 1));
    await expect(open('all', kek2).get(sha)).rejects.toThrow(/shorter than the 192-byte header/);
    expect(sha256Of(data)).toBe(sha);
  });
});
