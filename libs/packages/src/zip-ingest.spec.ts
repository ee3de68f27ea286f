import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PackageError } from './package-error';
import { archiveWorkspace, noise, sha } from '../test/archive-workspace';
import { buildRawZip } from '../test/raw-zip';
import { ingestZipToBlobStore } from './zip-ingest';
import { ZipLimits } from './zip-limits';

const limits: ZipLimits = { maxZipEntries: 100, maxUnpackedBytes: 4 * 1024 * 1024, maxZipRatio: 200 };
const { store, write } = archiveWorkspace('mg-zip-ingest-');

describe('ingestZipToBlobStore', () => {
  it('stores every file and returns a manifest whose digests match the original bytes', async () => {
    const weights = noise(200_000, 1);
    const readme = Buffer.from('# model\n'.repeat(50));
    const zip = buildRawZip([
      { name: 'repo-abc/model.safetensors', data: weights, method: 0 },
      { name: 'repo-abc/README.md', data: readme, method: 8 },
      { name: 'repo-abc/src/', externalAttr: (0o040755 << 16) >>> 0 },
      { name: 'repo-abc/src/train.py', data: Buffer.from('print(1)\n'), method: 8 },
    ]);
    const manifest = await ingestZipToBlobStore(await write(zip), store, limits);
    expect(manifest).toEqual([
      { path: 'repo-abc/model.safetensors', size: weights.length, sha256: sha(weights) },
      { path: 'repo-abc/README.md', size: readme.length, sha256: sha(readme) },
      { path: 'repo-abc/src/train.py', size: 9, sha256: sha(Buffer.from('print(1)\n')) },
    ]);
    const stored = await store.get(sha(weights));
    const chunks: Buffer[] = [];
    for await (const c of stored) chunks.push(c as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(weights));
  });

  it('maps and filters paths (GitHub top folder stripped, one subdirectory kept)', async () => {
    const zip = buildRawZip([
      { name: 'o-r-123/a.py', data: Buffer.from('a') },
      { name: 'o-r-123/sub/b.py', data: Buffer.from('b') },
    ]);
    const manifest = await ingestZipToBlobStore(await write(zip), store, limits, {
      mapPath: (p) => (p.startsWith('o-r-123/sub/') ? p.slice('o-r-123/sub/'.length) : null),
    });
    expect(manifest.map((m) => m.path)).toEqual(['b.py']);
  });

  it('counts actual inflated bytes: an entry that lies about its size is refused', async () => {
    // Declares 100 bytes but inflates to 300 KB; the declared ratio looks harmless.
    const zip = buildRawZip([{ name: 'liar.bin', data: noise(300_000, 2), method: 8, declaredSize: 100 }]);
    const error = await ingestZipToBlobStore(await write(zip), store, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageError);
    expect((error as PackageError).code).toBe('SIZE_MISMATCH');
  });

  it('an entry that inflates to fewer bytes than declared is refused', async () => {
    const zip = buildRawZip([{ name: 'short.bin', data: noise(1000, 3), method: 8, declaredSize: 1500 }]);
    const error = await ingestZipToBlobStore(await write(zip), store, limits).catch((e: unknown) => e);
    expect((error as PackageError).code).toBe('SIZE_MISMATCH');
  });

  it('does not expand nested archives: an inner bomb is stored as opaque bytes', async () => {
    const innerBomb = buildRawZip([{ name: 'zeros.bin', data: Buffer.alloc(3 * 1024 * 1024), method: 8 }]);
    const outer = buildRawZip([{ name: 'nested.zip', data: innerBomb, method: 0 }]);
    const manifest = await ingestZipToBlobStore(await write(outer), store, limits);
    expect(manifest).toEqual([{ path: 'nested.zip', size: innerBomb.length, sha256: sha(innerBomb) }]);
    expect(innerBomb.length).toBeLessThan(10_000);
  });

  it('surfaces a corrupted compressed stream as CORRUPT_ZIP', async () => {
    const zip = buildRawZip([{ name: 'a.txt', data: noise(5000, 4), method: 8 }]);
    // Flip bytes inside the deflate data (after the 30-byte local header and the 5-byte name).
    for (let i = 40; i < 80; i += 1) zip[i] ^= 0xff;
    const error = await ingestZipToBlobStore(await write(zip), store, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageError);
    expect(['CORRUPT_ZIP', 'SIZE_MISMATCH']).toContain((error as PackageError).code);
  });

  it('propagates blob store failures unchanged (not blamed on the archive)', async () => {
    const zip = buildRawZip([{ name: 'a.txt', data: Buffer.from('abc') }]);
    const broken = {
      put: async (body: Readable): Promise<never> => {
        body.resume();
        throw new Error('disk full');
      },
    };
    await expect(ingestZipToBlobStore(await write(zip), broken, limits)).rejects.toThrow('disk full');
  });
});
