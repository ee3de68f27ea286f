import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestEntry } from '@modelguard/contracts';
import { FsTestBlobStore } from '../test/fs-test-blob-store';
import { ingestZipToBlobStore } from './zip-ingest';
import { streamZip } from './zip-writer';

const SIZE = 300 * 1024 * 1024;
const MAX_RSS_GROWTH = 96 * 1024 * 1024;
let dir: string;
let store: FsTestBlobStore;
let entry: ManifestEntry;

/** 300 MB of incompressible bytes produced chunk by chunk, never held at once. */
function bigStream(): Readable {
  const block = randomBytes(1024 * 1024);
  let produced = 0;
  return new Readable({
    read() {
      if (produced >= SIZE) return this.push(null);
      block.writeUInt32LE(produced, 0);
      produced += block.length;
      this.push(Buffer.from(block));
    },
  });
}

/** Samples RSS while `work` runs and returns the peak growth over the starting value. */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - base;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-zip-mem-'));
  store = new FsTestBlobStore(join(dir, 'blobs'));
  const stored = await store.put(bigStream());
  entry = { path: 'model.safetensors', size: stored.size, sha256: stored.sha256 };
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('streaming a 300 MB package keeps memory flat', () => {
  it('streamZip into a slow consumer', async () => {
    let written = 0;
    const slowSink = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        setImmediate(cb);
      },
    });
    const growth = await peakRssGrowth(() => streamZip([entry], (s) => store.get(s), slowSink));
    expect(written).toBeGreaterThan(SIZE);
    console.info(`streamZip 300 MB: peak RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
  }, 120_000);

  it('ingestZipToBlobStore of a 300 MB archive', async () => {
    const zipPath = join(dir, 'big.zip');
    await streamZip([entry], (s) => store.get(s), createWriteStream(zipPath));
    const limits = { maxZipEntries: 10, maxUnpackedBytes: 400 * 1024 * 1024, maxZipRatio: 100 };
    let manifest: ManifestEntry[] = [];
    const growth = await peakRssGrowth(async () => {
      manifest = await ingestZipToBlobStore(zipPath, store, limits);
    });
    expect(manifest.find((m) => m.path === 'model.safetensors')).toEqual(entry);
    console.info(`ingestZipToBlobStore 300 MB: peak RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
  }, 120_000);
});
