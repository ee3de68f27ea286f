import { PassThrough } from 'node:stream';
import type { ScanInput } from '@modelguard/scanner';
import { BlobReadError, type BlobSource, readExactly } from './blob-source';

export interface BlobScanInputOptions {
  sha256: string;
  /** Display path (the package-relative path of the file). */
  path: string;
  /** Size from the manifest; reads never go past it. */
  size: number;
  /** Read-ahead granularity: parsers make many small reads, a ranged GET per read would be ruinous. */
  blockSize?: number;
  /** Blocks kept in memory (LRU); memory per input is bounded by blockSize * maxBlocks. */
  maxBlocks?: number;
}

const DEFAULT_BLOCK = 1024 * 1024;
const DEFAULT_MAX_BLOCKS = 8;

/**
 * Random access over a blob through ranged GETs with a small block cache, so a multi-GB model is parsed
 * without ever being held in memory (only `blockSize * maxBlocks` bytes at most, plus one oversized read).
 */
export function createBlobScanInput(source: BlobSource, options: BlobScanInputOptions): ScanInput {
  const { sha256, path, size } = options;
  const blockSize = options.blockSize ?? DEFAULT_BLOCK;
  const maxBlocks = options.maxBlocks ?? DEFAULT_MAX_BLOCKS;
  // Insertion order of a Map is the LRU order: re-inserting on hit moves a block to the back.
  const blocks = new Map<number, Promise<Buffer>>();

  const fetchRange = async (start: number, endExclusive: number): Promise<Buffer> => {
    let body;
    try {
      body = await source.get(sha256, { start, end: endExclusive - 1 });
    } catch (error) {
      throw new BlobReadError(`blob ${sha256} could not be opened`, sha256, error);
    }
    return readExactly(body, endExclusive - start, sha256);
  };

  const block = (index: number): Promise<Buffer> => {
    const cached = blocks.get(index);
    if (cached) {
      blocks.delete(index);
      blocks.set(index, cached);
      return cached;
    }
    const start = index * blockSize;
    const pending = fetchRange(start, Math.min(start + blockSize, size));
    // A failed fetch must not poison the cache: the next read retries it.
    pending.catch(() => {
      if (blocks.get(index) === pending) blocks.delete(index);
    });
    blocks.set(index, pending);
    while (blocks.size > maxBlocks) blocks.delete(blocks.keys().next().value as number);
    return pending;
  };

  const read = async (offset: number, length: number): Promise<Buffer> => {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`invalid read(${offset}, ${length}) on ${path}`);
    }
    const end = Math.min(offset + length, size);
    if (offset >= end) return Buffer.alloc(0);
    // Huge reads bypass the cache: they would evict every block and gain nothing.
    if (end - offset > blockSize * maxBlocks) return fetchRange(offset, end);
    const first = Math.floor(offset / blockSize);
    const last = Math.floor((end - 1) / blockSize);
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index += 1) {
      const data = await block(index);
      const blockStart = index * blockSize;
      parts.push(data.subarray(Math.max(offset - blockStart, 0), Math.min(end - blockStart, data.length)));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  };

  /** `[start, end)`, end exclusive like the scanner's own inputs; the blob store's range is inclusive. */
  const stream = (start = 0, end = size): NodeJS.ReadableStream => {
    const out = new PassThrough();
    const from = Math.max(0, start);
    const to = Math.min(end, size) - 1;
    if (to < from) {
      out.end();
      return out;
    }
    source.get(sha256, { start: from, end: to }).then(
      (body) => {
        body.on('error', (error) => out.destroy(new BlobReadError(`blob ${sha256} stream failed`, sha256, error)));
        out.on('close', () => body.destroy());
        body.pipe(out);
      },
      (error: unknown) => out.destroy(new BlobReadError(`blob ${sha256} could not be opened`, sha256, error)),
    );
    return out;
  };

  return { path, size, read, stream };
}
