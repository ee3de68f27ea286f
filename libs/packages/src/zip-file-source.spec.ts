import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRawZip } from '../test/raw-zip';
import type { BlobWriter } from './blob-writer';
import { ingestZipToBlobStore } from './zip-ingest';

const MiB = 1024 * 1024;
const limits = { maxZipEntries: 100, maxUnpackedBytes: 64 * MiB, maxZipRatio: 200 };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-zip-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Records the size of every chunk the store receives, and hashes what it got. */
class ChunkRecorder implements BlobWriter {
  readonly chunkSizes: number[] = [];
  async put(body: Readable): Promise<{ sha256: string; size: number; created: boolean }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      this.chunkSizes.push(chunk.length);
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size, created: true };
  }
}

describe('zip entry data source', () => {
  it('streams a stored entry in 1 MiB reads (not the 16 KiB stream default the upload profile showed), bytes intact', async () => {
    const weights = randomBytes(3 * MiB + 123);
    const path = join(dir, 'stored.zip');
    await writeFile(path, buildRawZip([{ name: 'model.safetensors', data: weights, method: 0 }, { name: 'empty.txt', data: Buffer.alloc(0), method: 0 }]));
    const store = new ChunkRecorder();
    const manifest = await ingestZipToBlobStore(path, store, limits);
    expect(manifest[0]).toEqual({ path: 'model.safetensors', size: weights.length, sha256: createHash('sha256').update(weights).digest('hex') });
    expect(manifest[1]?.size).toBe(0);
    expect(Math.max(...store.chunkSizes)).toBe(MiB);
    expect(store.chunkSizes.length).toBeLessThanOrEqual(5);
  });

  it('refuses a truncated or missing archive as not a readable zip', async () => {
    const path = join(dir, 'cut.zip');
    const zip = buildRawZip([{ name: 'a.bin', data: randomBytes(2 * MiB), method: 0 }]);
    await writeFile(path, zip);
    await truncate(path, MiB); // the central directory, at the end, is gone
    await expect(ingestZipToBlobStore(path, new ChunkRecorder(), limits)).rejects.toThrow(/not a readable zip archive/);
    await expect(ingestZipToBlobStore(join(dir, 'missing.zip'), new ChunkRecorder(), limits)).rejects.toThrow(/not a readable zip archive/);
  });
});
