import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ByteRange } from '@modelguard/packages';
import { BlobReadError, type BlobSource } from './blob-source';
import { createBlobScanInput } from './blob-scan-input';

/** An in-memory blob source that records every ranged GET (the thing we want to keep rare). */
function memorySource(content: Buffer, opts: { truncateTo?: number } = {}) {
  const calls: ByteRange[] = [];
  const stored = opts.truncateTo === undefined ? content : content.subarray(0, opts.truncateTo);
  const source: BlobSource = {
    get: async (_sha, range) => {
      const r = range ?? { start: 0, end: stored.length - 1 };
      calls.push(r);
      // Emit in small chunks, as a socket would.
      const slice = stored.subarray(r.start, r.end + 1);
      const chunks: Buffer[] = [];
      for (let i = 0; i < slice.length; i += 100) chunks.push(slice.subarray(i, i + 100));
      return Readable.from(chunks);
    },
  };
  return { source, calls };
}

async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('createBlobScanInput', () => {
  const content = randomBytes(10_000);
  const sha256 = 'a'.repeat(64);

  it('reads arbitrary ranges, across block boundaries, identical to the content', async () => {
    const { source } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length, blockSize: 1024, maxBlocks: 4 });
    for (const [offset, length] of [[0, 10], [1000, 100], [1023, 2], [5000, 3000], [9990, 100], [0, 10_000]]) {
      expect((await input.read(offset, length)).equals(content.subarray(offset, offset + length))).toBe(true);
    }
  });

  it('serves repeated small reads from the read-ahead cache', async () => {
    const { source, calls } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length, blockSize: 4096, maxBlocks: 2 });
    for (let offset = 0; offset < 4096; offset += 8) await input.read(offset, 8);
    expect(calls).toEqual([{ start: 0, end: 4095 }]);
  });

  it('evicts least recently used blocks beyond maxBlocks', async () => {
    const { source, calls } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length, blockSize: 1000, maxBlocks: 2 });
    await input.read(0, 1);
    await input.read(1000, 1);
    await input.read(2000, 1); // evicts block 0
    await input.read(1000, 1); // still cached
    await input.read(0, 1); // fetched again
    expect(calls.map((c) => c.start)).toEqual([0, 1000, 2000, 0]);
  });

  it('returns short reads at EOF and empty reads past it', async () => {
    const { source } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length });
    expect((await input.read(9_995, 50)).length).toBe(5);
    expect((await input.read(20_000, 5)).length).toBe(0);
  });

  it('rejects invalid offsets instead of fetching nonsense', async () => {
    const { source } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length });
    await expect(input.read(-1, 5)).rejects.toThrow(RangeError);
    await expect(input.read(0.5, 5)).rejects.toThrow(RangeError);
  });

  it('fails a read when the blob is shorter than the manifest says', async () => {
    const { source } = memorySource(content, { truncateTo: 5000 });
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length, blockSize: 1024 });
    await expect(input.read(6000, 10)).rejects.toBeInstanceOf(BlobReadError);
  });

  it('streams a half-open range [start, end)', async () => {
    const { source } = memorySource(content);
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: content.length });
    expect((await drain(input.stream(10, 20))).equals(content.subarray(10, 20))).toBe(true);
    expect((await drain(input.stream())).equals(content)).toBe(true);
  });

  it('surfaces a failing blob store as a stream error, not a crash', async () => {
    const source: BlobSource = { get: async () => Promise.reject(new Error('NoSuchKey')) };
    const input = createBlobScanInput(source, { sha256, path: 'm.bin', size: 10 });
    await expect(drain(input.stream())).rejects.toBeInstanceOf(BlobReadError);
  });
});
