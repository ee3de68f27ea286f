import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deflateRawSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { archiveWorkspace, noise, sha } from '../test/archive-workspace';
import { FsTestBlobStore } from '../test/fs-test-blob-store';
import { buildRawZip, RawEntry } from '../test/raw-zip';
import { isPackageError } from './package-error';
import { PrefetchingSpool } from './prefetching-spool';
import { ingestZipToBlobStore } from './zip-ingest';
import { ZipLimits } from './zip-limits';
import { PrefetchResult } from './prefetch-result';
import { ZipPrefetcher } from './zip-prefetch';

const limits: ZipLimits = { maxZipEntries: 100, maxUnpackedBytes: 8 * 1024 * 1024, maxZipRatio: 200 };
const { store, write, newPath } = archiveWorkspace('mg-zip-prefetch-');
type Store = FsTestBlobStore;

/** The real test store, counting puts and bytes stored. */
class CountingStore extends FsTestBlobStore {
  puts = 0;
  bytes = 0;
  override async put(body: Readable, opts?: { expectedSha256?: string }): Promise<{ sha256: string; size: number; created: boolean }> {
    this.puts += 1;
    const result = await super.put(body, opts);
    this.bytes += result.size;
    return result;
  }
}
const counting = (): CountingStore => new CountingStore(store.root);

/** Spools the archive as an upload does: `chunk`-byte pieces through a PrefetchingSpool (sparse) and its prefetcher. */
async function upload(zip: Buffer, chunk: number, blobs: Store = store): Promise<{ spool: string; result: PrefetchResult }> {
  const prefetcher = new ZipPrefetcher(blobs, limits);
  const spool = newPath();
  const pieces = function* (): Generator<Buffer> {
    for (let at = 0; at < zip.length; at += chunk) yield zip.subarray(at, at + chunk);
  };
  await pipeline(Readable.from(pieces(), { objectMode: false }), new PrefetchingSpool(spool, prefetcher));
  return { spool, result: await prefetcher.finish() };
}

/** What an ingest ends in: its manifest, or the refusal's code. */
async function outcome(path: string, prefetch?: PrefetchResult, blobs: Store = store): Promise<unknown> {
  try {
    return await ingestZipToBlobStore(path, blobs, limits, { prefetch });
  } catch (error) {
    if (isPackageError(error)) return error.code;
    throw error;
  }
}

const shasOf = (result: PrefetchResult): string[] => [...result.prefetched.values()].map((e) => e.sha256).sort();

function yazlZip(add: (zip: yazl.ZipFile) => void): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  add(zip);
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** Offsets of every header, data descriptor and central-directory byte of a valid archive built by buildRawZip. */
function structuralBytes(zip: Buffer): number[] {
  const eocd = zip.length - 22;
  const cdStart = zip.readUInt32LE(eocd + 16);
  const out: number[] = [];
  for (let at = cdStart; at < zip.length; at += 1) out.push(at);
  for (let at = cdStart; at < eocd; at += 46 + zip.readUInt16LE(at + 28)) {
    const local = zip.readUInt32LE(at + 42);
    const headerEnd = local + 30 + zip.readUInt16LE(local + 26);
    for (let b = local; b < headerEnd; b += 1) out.push(b);
    if ((zip.readUInt16LE(at + 8) & 0x0008) !== 0) {
      const descriptor = headerEnd + zip.readUInt32LE(at + 20);
      for (let b = descriptor; b < descriptor + 16; b += 1) out.push(b);
    }
  }
  return out;
}

const weights = noise(150_000, 7);
const readme = Buffer.from('# a model\n'.repeat(300));

describe('ZipPrefetcher with PrefetchingSpool', () => {
  it('stores sized entries as they stream by, skips stored data in the spool, and the ingest stores nothing again', async () => {
    const zip = buildRawZip([
      { name: 'model.safetensors', data: weights, method: 0 },
      { name: 'README.md', data: readme, method: 8 },
      { name: 'empty.txt', data: Buffer.alloc(0) },
      { name: 'src/', externalAttr: (0o040755 << 16) >>> 0 },
    ]);
    const original = await write(zip);
    const weightsAt = zip.indexOf(weights.subarray(0, 64));
    for (const chunk of [3, 13, 4096, 65_536, zip.length]) {
      const { spool, result } = await upload(zip, chunk);
      expect(shasOf(result)).toEqual([sha(weights), sha(readme)].sort());
      const spooled = await readFile(spool);
      expect(spooled.length).toBe(zip.length);
      // the weights were written once, as their blob: the spool holds a hole (zeros) where they were
      expect(spooled.subarray(weightsAt, weightsAt + weights.length).equals(Buffer.alloc(weights.length))).toBe(true);
      const blobs = counting();
      expect(await outcome(spool, result, blobs)).toEqual(await outcome(original));
      expect(blobs.puts).toBe(1); // only the empty file, which is not worth storing early
    }
  });

  it('finds where a stored entry with a data descriptor ends (yazl streams, zip64 too), and stops at deflated ones', async () => {
    for (const forceZip64Format of [false, true]) {
      const zip = await yazlZip((z) => {
        z.addReadStream(Readable.from([weights.subarray(0, 1000), weights.subarray(1000)]), 'model.safetensors', { compress: false, forceZip64Format });
        z.addBuffer(readme, 'config-in-buffer.json', { compress: true, forceZip64Format });
        z.addReadStream(Readable.from([readme]), 'README.md', { compress: true });
        z.addReadStream(Readable.from([weights.subarray(0, 500)]), 'after.bin', { compress: false });
      });
      const original = await write(zip);
      for (const chunk of [7, 4096]) {
        const { spool, result } = await upload(zip, chunk);
        // the stored stream and the buffer (sizes known); the deflated stream cannot be delimited, so nothing after it
        expect(shasOf(result)).toEqual([sha(weights), sha(readme)].sort());
        const blobs = counting();
        expect(await outcome(spool, result, blobs)).toEqual(await outcome(original));
        expect(blobs.puts).toBe(2);
      }
    }
  });

  it('finds a data descriptor whose signature is split between two chunks', async () => {
    const data = noise(5000, 21);
    const zip = buildRawZip([{ name: 'w.bin', data, method: 0, descriptor: true }]);
    const descriptorAt = 30 + 'w.bin'.length + data.length;
    for (const cut of [1, 2, 3]) {
      const prefetcher = new ZipPrefetcher(store, limits);
      await prefetcher.push(zip.subarray(0, descriptorAt + cut));
      await prefetcher.push(zip.subarray(descriptorAt + cut));
      expect(shasOf(await prefetcher.finish()), `cut ${cut}`).toEqual([sha(data)]);
    }
  });

  it('gives up on data made of descriptor signatures after a bounded number of checks, and loses nothing', async () => {
    const signature = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
    const data = Buffer.concat(Array.from({ length: 50_000 }, () => signature));
    const zip = buildRawZip([{ name: 'sigs.bin', data, method: 0, descriptor: true }]);
    const { spool, result } = await upload(zip, 65_536);
    expect(result.prefetched.size).toBe(0);
    const [span] = result.backing.spans;
    expect(span.end - span.start).toBeLessThan(8_000); // about 1,000 false signatures' worth, then a plain spool
    expect(await outcome(spool, result)).toEqual([{ path: 'sigs.bin', size: data.length, sha256: sha(data) }]);
  });

  it('is fooled by a data descriptor forged inside the data; the central directory overrules it, reading the skipped bytes back', async () => {
    const prefix = noise(1000, 3);
    const forged = Buffer.alloc(16);
    forged.writeUInt32LE(0x08074b50, 0);
    forged.writeUInt32LE(crc32(prefix), 4);
    forged.writeUInt32LE(prefix.length, 8);
    forged.writeUInt32LE(prefix.length, 12);
    const data = Buffer.concat([prefix, forged, noise(5000, 4)]);
    const zip = buildRawZip([{ name: 'w.bin', data, method: 0, descriptor: true }]);
    const { spool, result } = await upload(zip, 512);
    expect([...result.prefetched.values()]).toEqual([expect.objectContaining({ sha256: sha(prefix), compressedSize: 1000 })]);
    expect(result.backing.spans).toEqual([expect.objectContaining({ end: expect.any(Number), sha256: sha(prefix) })]);
    expect(await outcome(spool, result)).toEqual([{ path: 'w.bin', size: data.length, sha256: sha(data) }]);
  });

  it('never changes what an ingest accepts or refuses, whatever bytes are damaged', async () => {
    const entries: RawEntry[] = [
      { name: 'a.bin', data: noise(3000, 11), method: 0 },
      { name: 'b.txt', data: readme.subarray(0, 2000), method: 8 },
      { name: 'c.bin', data: noise(700, 12), method: 0, descriptor: true },
      { name: 'd.txt', data: Buffer.from('x'.repeat(500)), method: 8 },
    ];
    const valid = buildRawZip(entries);
    const structure = structuralBytes(valid);
    let seed = 99;
    const next = (mod: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % mod;
    };
    let refused = 0;
    for (let i = 0; i < 250; i += 1) {
      const zip = Buffer.from(valid);
      // mostly headers, descriptors and the central directory, where the two readers could disagree; some data too
      for (let k = 0, hits = 1 + next(3); k < hits; k += 1) zip[next(4) === 0 ? next(zip.length) : structure[next(structure.length)]] = next(256);
      const original = await write(zip);
      const { spool, result } = await upload(zip, 1 + next(4000));
      const plain = await outcome(original);
      expect(await outcome(spool, result)).toEqual(plain);
      if (typeof plain === 'string') refused += 1;
      await rm(original);
      await rm(spool);
    }
    expect(refused).toBeGreaterThan(50); // the damage did reach what the ingest checks
  });

  it('takes no stored entry whose central-directory record disagrees with its local header', async () => {
    const text = readme.subarray(0, 2000);
    const deflatedZip = buildRawZip([{ name: 'b.txt', data: text, method: 8 }]);
    const storedZip = buildRawZip([{ name: 'a.bin', data: noise(3000, 1), method: 0 }]);
    const centralOf = (zip: Buffer): number => zip.readUInt32LE(zip.length - 22 + 16);
    const deflated = deflatedZip.readUInt32LE(centralOf(deflatedZip) + 20);
    const patches: Array<[string, Buffer, number, number]> = [
      ['CRC-32', deflatedZip, 16, crc32(text.subarray(1))],
      ['compressed size (shorter)', deflatedZip, 20, deflated - 3],
      ['uncompressed size', deflatedZip, 24, text.length - 1],
      ['method (deflated, same sizes)', storedZip, 10, 8],
    ];
    for (const [field, valid, at, value] of patches) {
      const cd = centralOf(valid);
      const zip = Buffer.from(valid);
      if (at === 10) zip.writeUInt16LE(value, cd + at);
      else zip.writeUInt32LE(value, cd + at);
      const { spool, result } = await upload(zip, 100);
      expect(result.prefetched.size, field).toBe(1);
      const refused = await outcome(await write(zip));
      expect(typeof refused, field).toBe('string');
      expect(await outcome(spool, result), field).toEqual(refused);
    }
  });

  it('inflates no further than the local header declares (a bomb behind a small declared size)', async () => {
    const bomb = Buffer.alloc(40 * 1024 * 1024);
    const body = deflateRawSync(bomb);
    const zip = buildRawZip([{ name: 'bomb.bin', data: bomb.subarray(0, 1000), method: 8 }]);
    // swap in the bomb's deflate stream, keeping the headers' small sizes: the local header now lies
    const lying = Buffer.concat([zip.subarray(0, 30 + 8), body]);
    lying.writeUInt32LE(body.length, 18);
    const blobs = counting();
    const { result } = await upload(lying, 65_536, blobs);
    expect(result.prefetched.size).toBe(0);
    expect(blobs.bytes).toBe(0);
  });

  it('fails the upload with the blob store\'s error when a failed put loses bytes the spool skipped', async () => {
    class FailingStore extends FsTestBlobStore {
      constructor(private readonly failAfter: number) {
        super(store.root);
      }
      override async put(body: Readable): Promise<never> {
        let seen = 0;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          seen += chunk.length;
          if (seen > this.failAfter) break;
        }
        throw new Error('disk full');
      }
    }
    const zip = buildRawZip([{ name: 'w.bin', data: noise(200_000, 9), method: 0 }]);
    await expect(upload(zip, 4096, new FailingStore(50_000))).rejects.toThrow('disk full');
  });

  it('has at most two blob-store writes under way at once, however many entries', async () => {
    let open = 0;
    let most = 0;
    class SlowToFinish extends FsTestBlobStore {
      override async put(body: Readable): Promise<{ sha256: string; size: number; created: boolean }> {
        open += 1;
        most = Math.max(most, open);
        try {
          const stored = await super.put(body);
          await new Promise((resolve) => setTimeout(resolve, 20)); // a slow fsync or multipart completion
          return stored;
        } finally {
          open -= 1;
        }
      }
    }
    const zip = buildRawZip(Array.from({ length: 10 }, (_, i) => ({ name: `f${i}.bin`, data: noise(2000, 30 + i), method: 0 as const })));
    const { result } = await upload(zip, zip.length, new SlowToFinish(store.root));
    expect(result.prefetched.size).toBe(10);
    expect(most).toBe(2);
  });

  it('waits while the blob store is not reading, and stops cleanly when the upload fails', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class SlowStore extends FsTestBlobStore {
      override async put(body: Readable): Promise<{ sha256: string; size: number; created: boolean }> {
        await gate;
        return super.put(body);
      }
    }
    const zip = buildRawZip([{ name: 'big.bin', data: noise(6 * 1024 * 1024, 5), method: 0 }]);
    const prefetcher = new ZipPrefetcher(new SlowStore(store.root), limits);
    let settled = false;
    const pushing = (async () => {
      for (let at = 0; at < zip.length; at += 65_536) await prefetcher.push(zip.subarray(at, at + 65_536));
    })().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // held back by the entry's stream buffer, not holding the whole 6 MiB
    prefetcher.abort();
    release();
    await pushing;
    expect((await prefetcher.finish()).prefetched.size).toBe(0);
  });
});
