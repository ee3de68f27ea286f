import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from '../../test/blob-store.contract';
import { blobKey } from '../blob-id';
import { FsBlobStore } from '../fs-blob-store';
import { HEADER_SIZE, TAG_SIZE } from './chunk-format';
import { EncryptedBlobStore } from './encrypted-blob-store';
import { BlobDecryptionError, EncryptionKeyError } from './encryption-errors';
import { LocalKeyWrapper } from './local-key-wrapper';

// A tiny chunk size so that every boundary case is a few bytes away.
const CHUNK = 16;
const root = mkdtempSync(join(tmpdir(), 'mg-enc-'));
const kek = randomBytes(32);
const store = new EncryptedBlobStore(new FsBlobStore(root), new LocalKeyWrapper(kek), CHUNK);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const pathOf = (s: string): string => join(root, blobKey(s));

/** Feeds `data` in uneven pieces so chunking does not line up with input buffers. */
function source(data: Buffer): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0, step = 1; i < data.length; i += step, step = (step % 23) + 1) pieces.push(data.subarray(i, i + step));
  return Readable.from(pieces);
}

async function putFresh(data: Buffer): Promise<string> {
  const res = await store.put(source(data));
  expect(res).toMatchObject({ sha256: sha(data), size: data.length });
  return res.sha256;
}

describe('EncryptedBlobStore chunk format', () => {
  it('round-trips sizes around every chunk boundary, sized and named by the plaintext', async () => {
    for (const n of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1, 5 * CHUNK + 7]) {
      const data = randomBytes(n);
      const id = await putFresh(data);
      expect((await readAll(await store.get(id))).equals(data)).toBe(true);
      expect(await store.stat(id)).toEqual({ size: n });
      const chunks = Math.max(1, Math.ceil(n / CHUNK));
      expect(readFileSync(pathOf(id)).length).toBe(HEADER_SIZE + n + chunks * TAG_SIZE);
    }
  });

  it('serves every range that starts or ends at or next to a chunk boundary', async () => {
    const data = randomBytes(4 * CHUNK + 5);
    const id = await putFresh(data);
    const edges = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK, 4 * CHUNK - 1, 4 * CHUNK, data.length - 1];
    for (const start of edges) {
      for (const end of edges.filter((e) => e >= start)) {
        const got = await readAll(await store.get(id, { start, end }));
        expect(got.equals(data.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    }
    expect((await readAll(await store.get(id, { start: 3, end: 10_000 }))).equals(data.subarray(3))).toBe(true);
  });

  it('stores no plaintext', async () => {
    const marker = Buffer.from('MODELGUARD-PLAINTEXT-MARKER-0123456789');
    const id = await putFresh(Buffer.concat([marker, marker, marker]));
    const disk = readFileSync(pathOf(id));
    expect(disk.includes(marker.subarray(0, 8))).toBe(false);
  });
});

describe('EncryptedBlobStore tamper detection', () => {
  const data = randomBytes(3 * CHUNK + 4);
  // Every case stores the same content, so start from a fresh copy (content addressing would dedup).
  const fresh = async (): Promise<string> => {
    await store.delete(sha(data));
    return putFresh(data);
  };
  const tampered = async (edit: (b: Buffer) => Buffer): Promise<string> => {
    const id = await fresh();
    const file = pathOf(id);
    const original = readFileSync(file);
    writeFileSync(file, edit(Buffer.from(original)));
    return id;
  };
  const expectRefused = async (id: string, range?: { start: number; end: number }): Promise<Error> => {
    const out: Buffer[] = [];
    const err = await (async () => {
      try {
        for await (const c of await store.get(id, range)) out.push(c as Buffer);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(Error);
    // Whatever was emitted before the failure is a correct prefix, never garbage.
    const emitted = Buffer.concat(out);
    const offset = range?.start ?? 0;
    expect(emitted.equals(data.subarray(offset, offset + emitted.length))).toBe(true);
    return err as Error;
  };
  const chunkAt = (i: number): number => HEADER_SIZE + i * (CHUNK + TAG_SIZE);

  afterAll(async () => {
    await store.delete(sha(data));
  });

  it('refuses a flipped bit in a chunk', async () => {
    const id = await tampered((b) => ((b[chunkAt(1) + 3] ^= 0x01), b));
    const err = await expectRefused(id);
    expect(err).toBeInstanceOf(BlobDecryptionError);
    expect(err.message).toMatch(/chunk 1 failed authentication/);
    // A range that does not touch chunk 1 still reads: chunks are independent.
    expect((await readAll(await store.get(id, { start: 0, end: CHUNK - 1 }))).equals(data.subarray(0, CHUNK))).toBe(true);
  });

  it('refuses swapped chunks', async () => {
    const id = await tampered((b) => {
      const a = Buffer.from(b.subarray(chunkAt(0), chunkAt(1)));
      b.subarray(chunkAt(1), chunkAt(2)).copy(b, chunkAt(0));
      a.copy(b, chunkAt(1));
      return b;
    });
    expect(await expectRefused(id)).toBeInstanceOf(BlobDecryptionError);
  });

  it('refuses truncation at a chunk boundary (dropped last chunk) and inside a chunk', async () => {
    const atBoundary = await tampered((b) => b.subarray(0, chunkAt(3)));
    expect(await expectRefused(atBoundary)).toBeInstanceOf(BlobDecryptionError);
    const inside = await tampered((b) => b.subarray(0, b.length - 3));
    expect(await expectRefused(inside)).toBeInstanceOf(BlobDecryptionError);
    const tiny = await tampered((b) => b.subarray(0, HEADER_SIZE + 5));
    await expect(store.stat(tiny)).rejects.toThrow(/ends inside a chunk tag|too small/);
    const headerOnly = await tampered((b) => b.subarray(0, 20));
    await expect(store.get(headerOnly)).rejects.toThrow(/shorter than the 192-byte header/);
  });

  it('refuses a changed chunk size or nonce prefix in the header (bound by the AAD)', async () => {
    const id = await tampered((b) => ((b[12] ^= 0x80), b));
    expect(await expectRefused(id)).toBeInstanceOf(BlobDecryptionError);
    const notOurs = await tampered((b) => ((b[0] = 0x50), b));
    await expect(store.get(notOurs)).rejects.toThrow(/bad magic/);
  });

  it('names a wrong KEK or unknown key id clearly', async () => {
    const id = await fresh();
    const other = new EncryptedBlobStore(store.inner, new LocalKeyWrapper(randomBytes(32)), CHUNK);
    const err = await other.get(id).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(EncryptionKeyError);
    expect((err as Error).message).toContain(LocalKeyWrapper.keyIdOf(kek));
    const wrappedCorrupt = await tampered((b) => ((b[90] ^= 0x01), b)); // inside the 60-byte wrapped key at 83
    await expect(store.get(wrappedCorrupt)).rejects.toThrow(/failed authentication \(corrupt header\)/);
    const padding = await tampered((b) => ((b[HEADER_SIZE - 1] = 0x01), b));
    await expect(store.get(padding)).rejects.toThrow(/non-zero padding/);
  });
});
