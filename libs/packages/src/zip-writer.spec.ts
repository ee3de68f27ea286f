import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestEntry } from '@modelguard/contracts';
import { FsTestBlobStore } from '../test/fs-test-blob-store';
import { ingestZipToBlobStore } from './zip-ingest';
import { formatSha256Sums, streamZip } from './zip-writer';
import { nativeCrc32 } from './yazl-native-crc32';
import { createRequire } from 'node:module';

const limits = { maxZipEntries: 100, maxUnpackedBytes: 50 * 1024 * 1024, maxZipRatio: 1000 };
let dir: string;
let store: FsTestBlobStore;
const files: Record<string, Buffer> = {
  'model.safetensors': Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24)),
  'config.json': Buffer.from(JSON.stringify({ model_type: 'bert', architectures: ['BertForMaskedLM'] })),
  'README.md': Buffer.from('# Title\n\nSome text.\n'.repeat(100)),
  'data/train.csv': Buffer.from('a,b\n1,2\n'),
};
let manifest: ManifestEntry[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-zip-writer-'));
  store = new FsTestBlobStore(join(dir, 'blobs'));
  manifest = [];
  for (const [path, bytes] of Object.entries(files)) {
    const stored = await store.put(Readable.from([bytes]));
    manifest.push({ path, size: stored.size, sha256: stored.sha256 });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeZip(entries: ManifestEntry[], name: string, openBlob = (s: string) => store.get(s)): Promise<string> {
  const target = join(dir, name);
  await streamZip(entries, openBlob, createWriteStream(target));
  return target;
}

describe('streamZip', () => {
  it('round-trips: stream → unzip → identical digests, plus a SHA256SUMS file', async () => {
    const zipPath = await writeZip(manifest, 'roundtrip.zip');
    const back = await ingestZipToBlobStore(zipPath, store, limits);
    const sums = back.find((e) => e.path === 'SHA256SUMS');
    expect(sums).toBeDefined();
    expect(back.filter((e) => e.path !== 'SHA256SUMS')).toEqual(manifest);
    const sumsText = Buffer.from(formatSha256Sums(manifest));
    expect(sums?.sha256).toBe(createHash('sha256').update(sumsText).digest('hex'));
  });

  it('is readable by an independent unzip implementation, with weights stored and text deflated', async () => {
    const zipPath = await writeZip(manifest, 'python.zip');
    const script = [
      'import sys, zipfile, hashlib, json',
      'z = zipfile.ZipFile(sys.argv[1])',
      'print(json.dumps({i.filename: [i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()}))',
    ].join('\n');
    const out = JSON.parse(execFileSync('python3', ['-c', script, zipPath]).toString()) as Record<string, [number, string]>;
    expect(out['model.safetensors']).toEqual([0, manifest[0].sha256]);
    expect(out['data/train.csv'][0]).toBe(0);
    expect(out['config.json']).toEqual([8, manifest[1].sha256]);
    expect(out['README.md'][0]).toBe(8);
    expect(Object.keys(out)).toContain('SHA256SUMS');
  });

  it("computes entry CRC-32s with Node's native zlib.crc32, not buffer-crc32's JavaScript loop", () => {
    const yazlCrc = createRequire(require.resolve('yazl'))('buffer-crc32') as { unsigned: (b: Buffer, p?: number) => number };
    expect(yazlCrc.unsigned).toBe(nativeCrc32);
    // The CRC-32 check value, whole and resumed from a partial CRC, as yazl feeds it chunk by chunk.
    expect(yazlCrc.unsigned(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(yazlCrc.unsigned(Buffer.from('6789'), yazlCrc.unsigned(Buffer.from('12345')))).toBe(0xcbf43926);
  });

  it('produces identical bytes for the same manifest (deterministic downloads)', async () => {
    const a = await writeZip(manifest, 'det-a.zip');
    const b = await writeZip(manifest, 'det-b.zip');
    const digest = (p: string): string => execFileSync('sha256sum', [p]).toString().split(' ')[0];
    expect(digest(a)).toBe(digest(b));
  });

  it('rejects when a blob does not match its manifest digest', async () => {
    const lying = [{ ...manifest[1], sha256: manifest[2].sha256, size: manifest[2].size }];
    const swapped = (sha: string): Promise<Readable> => (sha === manifest[2].sha256 ? store.get(manifest[1].sha256) : store.get(sha));
    await expect(writeZip(lying, 'bad.zip', swapped)).rejects.toThrow(/does not match its manifest digest/);
  });

  it('rejects when a blob cannot be opened, and refuses unsafe or duplicate manifest paths', async () => {
    const missing = [{ path: 'x.bin', size: 1, sha256: 'f'.repeat(64) }];
    await expect(writeZip(missing, 'missing.zip', () => Promise.reject(new Error('no such blob')))).rejects.toThrow('no such blob');
    await expect(writeZip([{ ...manifest[0], path: '../escape' }], 'evil.zip')).rejects.toThrow(/escapes/);
    await expect(writeZip([manifest[0], manifest[0]], 'dup.zip')).rejects.toThrow(/duplicate/);
  });

  it('does not clobber a package file called SHA256SUMS', async () => {
    const sumsBlob = await store.put(Readable.from([Buffer.from('upstream sums\n')]));
    const entries = [...manifest, { path: 'SHA256SUMS', size: sumsBlob.size, sha256: sumsBlob.sha256 }];
    const back = await ingestZipToBlobStore(await writeZip(entries, 'sums.zip'), store, limits);
    expect(back.map((e) => e.path)).toContain('SHA256SUMS.modelguard');
    expect(back.find((e) => e.path === 'SHA256SUMS')?.sha256).toBe(sumsBlob.sha256);
  });
});

describe('formatSha256Sums', () => {
  it('uses the sha256sum(1) line format so `sha256sum -c` verifies an extracted download', async () => {
    const target = await mkdtemp(join(dir, 'check-'));
    for (const [path, bytes] of Object.entries(files)) {
      execFileSync('mkdir', ['-p', join(target, path, '..')]);
      await writeFile(join(target, path), bytes);
    }
    await writeFile(join(target, 'SHA256SUMS'), formatSha256Sums(manifest));
    const out = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: target }).toString();
    expect(out.trim().split('\n')).toHaveLength(4);
    expect(out).not.toMatch(/FAILED/);
  });
});
