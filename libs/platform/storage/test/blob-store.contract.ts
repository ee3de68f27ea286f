import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobIntegrityError, BlobNotFoundError, BlobTooLargeError, InvalidBlobIdError, InvalidRangeError } from '../src/blob-errors';
import type { BlobStore } from '../src/blob-store';

export interface ContractSubject {
  store: BlobStore;
  /** Temporary objects/files left behind (must be none after any put). */
  listTemp(): Promise<string[]>;
  /** Upload part size, so range tests can straddle a part boundary. */
  partSize: number;
}

export const MiB = 1024 * 1024;

export function sha256Of(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `total` bytes in `chunk`-sized pieces from one reused buffer (no big allocation). */
export function patternStream(total: number, onChunk?: (c: Buffer) => void, chunk = MiB): Readable {
  const block = randomBytes(chunk);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(chunk, total - sent);
      block.writeUInt32BE(sent >>> 0, 0); // vary content per chunk so parts differ
      sent += n;
      const out = Buffer.from(block.subarray(0, n));
      onChunk?.(out);
      this.push(out);
    },
  });
}

/** Behaviour every BlobStore must have, run against each implementation. */
export function describeBlobStoreContract(name: string, subject: () => ContractSubject): void {
  describe(`${name} (BlobStore contract)`, () => {
    it('round-trips content and reports its SHA-256 and size', async () => {
      const { store, listTemp } = subject();
      const data = randomBytes(100_000);
      const res = await store.put(Readable.from([data.subarray(0, 7), data.subarray(7)]));
      expect(res).toEqual({ sha256: sha256Of(data), size: data.length, created: true });
      expect((await readAll(await store.get(res.sha256))).equals(data)).toBe(true);
      expect(await store.stat(res.sha256)).toEqual({ size: data.length });
      expect(await listTemp()).toEqual([]);
    });

    it('deduplicates identical content', async () => {
      const { store, listTemp } = subject();
      const data = randomBytes(4096);
      const first = await store.put(Readable.from([data]));
      const second = await store.put(Readable.from([data]), { expectedSha256: first.sha256 });
      expect(second).toEqual({ ...first, created: false });
      expect(await listTemp()).toEqual([]);
    });

    it('stores the empty blob', async () => {
      const { store } = subject();
      const res = await store.put(Readable.from([]));
      expect(res.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(res.size).toBe(0);
      expect((await readAll(await store.get(res.sha256))).length).toBe(0);
    });

    it('serves inclusive byte ranges, clamps an end past the blob, and rejects bad ranges', async () => {
      const { store } = subject();
      const data = randomBytes(1000);
      const { sha256 } = await store.put(Readable.from([data]));
      expect((await readAll(await store.get(sha256, { start: 10, end: 19 }))).equals(data.subarray(10, 20))).toBe(true);
      expect((await readAll(await store.get(sha256, { start: 999, end: 999 }))).equals(data.subarray(999))).toBe(true);
      expect((await readAll(await store.get(sha256, { start: 990, end: 5000 }))).equals(data.subarray(990))).toBe(true);
      await expect(store.get(sha256, { start: 1000, end: 1001 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get(sha256, { start: -1, end: 3 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get(sha256, { start: 5, end: 4 })).rejects.toBeInstanceOf(InvalidRangeError);
      await expect(store.get(sha256, { start: 0.5, end: 4 })).rejects.toBeInstanceOf(InvalidRangeError);
    });

    it('reads ranges across upload part boundaries', async () => {
      const { store, partSize } = subject();
      const total = partSize * 2 + 12_345;
      const chunks: Buffer[] = [];
      const { sha256, size } = await store.put(patternStream(total, (c) => chunks.push(c)));
      const data = Buffer.concat(chunks);
      expect(size).toBe(total);
      expect(sha256).toBe(sha256Of(data));
      for (const boundary of [partSize, partSize * 2]) {
        const range = { start: boundary - 100, end: boundary + 99 };
        const got = await readAll(await store.get(sha256, range));
        expect(got.equals(data.subarray(range.start, range.end + 1))).toBe(true);
      }
    });

    it('rejects a SHA-256 mismatch and keeps nothing', async () => {
      const { store, listTemp } = subject();
      const data = randomBytes(2048);
      const wrong = sha256Of(Buffer.from('something else'));
      const err = await store.put(Readable.from([data]), { expectedSha256: wrong }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobIntegrityError);
      expect((err as BlobIntegrityError).actual).toBe(sha256Of(data));
      expect(await store.stat(sha256Of(data))).toBeNull();
      expect(await listTemp()).toEqual([]);
    });

    it('stops at maxBytes and when the source fails, keeping nothing', async () => {
      const { store, listTemp } = subject();
      await expect(store.put(patternStream(3 * MiB), { maxBytes: MiB })).rejects.toBeInstanceOf(BlobTooLargeError);
      const failing = new Readable({
        read() {
          this.destroy(new Error('client went away'));
        },
      });
      await expect(store.put(failing)).rejects.toThrow('client went away');
      expect(await listTemp()).toEqual([]);
    });

    it('rejects malformed hashes everywhere (no path traversal)', async () => {
      const { store } = subject();
      const bad = ['../../../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/x`, `${'a'.repeat(62)}..`, '', 'a'.repeat(64) + '\0'];
      for (const id of bad) {
        await expect(store.get(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(store.stat(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
        await expect(store.delete(id)).rejects.toBeInstanceOf(InvalidBlobIdError);
      }
      await expect(store.put(Readable.from([Buffer.from('x')]), { expectedSha256: '../x' })).rejects.toBeInstanceOf(InvalidBlobIdError);
    });

    it('reports missing blobs and deletes idempotently', async () => {
      const { store } = subject();
      const missing = sha256Of(randomBytes(16));
      await expect(store.get(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await store.stat(missing)).toBeNull();
      await store.delete(missing);
      const { sha256 } = await store.put(Readable.from([Buffer.from('to delete')]));
      await store.delete(sha256);
      expect(await store.stat(sha256)).toBeNull();
      await expect(store.get(sha256)).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('sweeps only temporary uploads older than the cutoff', async () => {
      const { store } = subject();
      const { sha256 } = await store.put(Readable.from([Buffer.from('kept by sweep')]));
      expect(await store.sweepTemp(60 * 60 * 1000)).toBe(0);
      expect(await store.stat(sha256)).not.toBeNull();
    });

    it('lists every blob in bounded pages and deletes many at once', async () => {
      const { store } = subject();
      const mine = await Promise.all([0, 1, 2].map(async (i) => (await store.put(Readable.from([Buffer.from(`listed ${i} ${randomBytes(8).toString('hex')}`)]))).sha256));
      const seen: string[] = [];
      for await (const page of store.list(2)) {
        expect(page.length).toBeGreaterThan(0);
        expect(page.length).toBeLessThanOrEqual(2);
        for (const b of page) {
          seen.push(b.sha256);
          if (mine.includes(b.sha256)) expect(b.size).toBeGreaterThan(0);
        }
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(mine));
      await store.deleteMany([...mine, sha256Of(randomBytes(16))]);
      for (const sha256 of mine) expect(await store.stat(sha256)).toBeNull();
      const after: string[] = [];
      for await (const page of store.list()) after.push(...page.map((b) => b.sha256));
      expect(after.filter((s) => mine.includes(s))).toEqual([]);
    });

    it('refreshes the modification time of a blob put again (deduplicated)', async () => {
      const { store } = subject();
      const data = Buffer.from(`dedup ${randomBytes(8).toString('hex')}`);
      const { sha256 } = await store.put(Readable.from([data]));
      const modifiedAt = async (): Promise<number> => {
        for await (const page of store.list()) for (const b of page) if (b.sha256 === sha256) return b.modifiedAt.getTime();
        throw new Error('not listed');
      };
      const first = await modifiedAt();
      await new Promise((r) => setTimeout(r, 1_100)); // S3 LastModified has one-second resolution
      expect((await store.put(Readable.from([data]))).created).toBe(false);
      expect(await modifiedAt()).toBeGreaterThan(first);
      await store.delete(sha256);
    });

    it('is healthy', async () => {
      expect((await subject().store.healthCheck()).status).toBe('ok');
    });
  });
}

/** Uploads `total` bytes and returns the peak RSS growth observed while it ran. */
export async function measureUploadRss(store: BlobStore, total: number): Promise<{ peakGrowth: number; sha256: string; size: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const hash = createHash('sha256');
  try {
    const res = await store.put(patternStream(total, (c) => hash.update(c)));
    expect(res.sha256).toBe(hash.digest('hex'));
    return { peakGrowth: Math.max(peak, process.memoryUsage().rss) - baseline, sha256: res.sha256, size: res.size };
  } finally {
    clearInterval(sampler);
  }
}
