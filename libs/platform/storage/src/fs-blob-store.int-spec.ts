import { DigestCheck } from '@modelguard/packages';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError } from './blob-errors';
import { blobKey } from './blob-id';
import { FsBlobStore } from './fs-blob-store';
import { describeBlobStoreContract, measureUploadRss, MiB, readAll, sha256Of } from '../test/blob-store.contract';

const root = mkdtempSync(join(tmpdir(), 'mg-blobs-'));
const store = new FsBlobStore(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeBlobStoreContract('FsBlobStore', () => ({
  store,
  partSize: 64 * 1024, // fs has no parts; read-stream highWaterMark is the analogous boundary
  listTemp: async () => readdirSync(join(root, 'tmp')),
}));

describe('FsBlobStore specifics', () => {
  it('lays blobs out as sha256/aa/bb/<hash> under the root', async () => {
    const data = Buffer.from('layout');
    const { sha256 } = await store.put(Readable.from([data]));
    expect(readdirSync(join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4)))).toContain(sha256);
    expect(sha256).toBe(sha256Of(data));
  });

  it('streams a 200 MiB upload with bounded memory', async () => {
    const { peakGrowth, size, sha256 } = await measureUploadRss(store, 200 * MiB);
    console.info(`fs 200 MiB upload: peak RSS growth ${(peakGrowth / MiB).toFixed(1)} MiB`);
    expect(size).toBe(200 * MiB);
    expect(peakGrowth).toBeLessThan(100 * MiB);
    const tail = await readAll(await store.get(sha256, { start: 200 * MiB - 10, end: 200 * MiB + 10 }));
    expect(tail.length).toBe(10);
    await store.delete(sha256);
  }, 120_000);
});

describe('FsBlobStore failed uploads', () => {
  it('leaves no temp file behind when the source fails before the file is even open', async () => {
    // The write stream opens its temp file asynchronously; a source that fails at once used to reject the put before
    // that open ran, and the cleanup then came before the file existed (1-28 files left of 400 such puts; seen in CI).
    const own = mkdtempSync(join(tmpdir(), 'mg-blobs-failing-'));
    try {
      const failing = new FsBlobStore(own);
      for (let i = 0; i < 400; i++) {
        const source = new Readable({
          read() {
            this.destroy(new Error('client went away'));
          },
        });
        await expect(failing.put(source)).rejects.toThrow('client went away');
      }
      await sleep(200); // an open that was still pending would have created its file by now
      expect(readdirSync(join(own, 'tmp'))).toEqual([]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('FsBlobStore.sweepTemp', () => {
  it('removes stale temp files and keeps fresh ones', async () => {
    const stale = join(root, 'tmp', 'stale-upload');
    const fresh = join(root, 'tmp', 'fresh-upload');
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'y');
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(stale, old, old);
    expect(await store.sweepTemp(24 * 3600 * 1000)).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual(['fresh-upload']);
    expect(await store.sweepTemp(0)).toBe(1);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });
});

/**
 * Issue 13: whole reads skip re-hashing a file this store already saw pass its digest check, but only while the
 * file's identity (inode, size, mtime, ctime) is unchanged. Real files: the tamper is a write under the store.
 */
describe('FsBlobStore.getVerified (verified stat)', () => {
  const margin = 300;
  const fast = new FsBlobStore(root, { verifiedStats: { racyMarginMs: margin } });
  const open = (sha256: string, size: number) => fast.getVerified(sha256, () => new DigestCheck({ path: 'blob.bin', sha256, size }));
  /** Whether a read would take the fast path; the body is not read, and destroyed so its file closes now, not at GC. */
  const fromVerifiedStat = async (sha256: string, size: number): Promise<boolean> => {
    const { body, fromVerifiedStat: verified } = await open(sha256, size);
    await new Promise<void>((resolve) => body.once('close', () => resolve()).destroy());
    return verified;
  };
  /** Reads what arrives before the stream ends or fails. */
  const drain = async (body: Readable): Promise<{ got: Buffer; error: unknown }> => {
    const parts: Buffer[] = [];
    try {
      for await (const c of body) parts.push(c as Buffer);
      return { got: Buffer.concat(parts), error: null };
    } catch (error: unknown) {
      return { got: Buffer.concat(parts), error };
    }
  };

  it('streams a verified, unchanged file without the check, and checks it again once it was written to', async () => {
    const data = randomBytes(3 * MiB + 17);
    const { sha256 } = await fast.put(Readable.from([data]));
    // Just written: its ctime is too recent to trust (a write in the same tick would not change it).
    const first = await open(sha256, data.length);
    expect(first.fromVerifiedStat).toBe(false);
    expect((await drain(first.body)).got.equals(data)).toBe(true);
    expect(await fromVerifiedStat(sha256, data.length)).toBe(false);

    // A whole-second mtime, so the tamper below can put it back exactly.
    const path = join(root, blobKey(sha256));
    const mtime = Math.floor(Date.now() / 1000) - 60;
    utimesSync(path, mtime, mtime);
    await sleep(margin + 100);
    const checked = await open(sha256, data.length);
    expect(checked.fromVerifiedStat).toBe(false);
    expect((await drain(checked.body)).got.equals(data)).toBe(true);
    const trusted = await open(sha256, data.length);
    expect(trusted.fromVerifiedStat).toBe(true);
    expect((await drain(trusted.body)).got.equals(data)).toBe(true);

    // Same size, same inode, one byte changed in place and the mtime put back as it was: only ctime moves, and
    // that alone brings the check back, which catches it.
    const was = statSync(path, { bigint: true });
    const tampered = Buffer.from(data);
    tampered[data.length >> 1] ^= 0xff;
    writeFileSync(path, tampered);
    utimesSync(path, mtime, mtime);
    expect(statSync(path, { bigint: true }).mtimeNs).toBe(was.mtimeNs);
    const after = await open(sha256, data.length);
    expect(after.fromVerifiedStat).toBe(false);
    const { got, error } = await drain(after.body);
    expect(String(error)).toMatch(/does not match its manifest digest/);
    expect(got.length).toBeLessThan(data.length);
    // A failed check records nothing: the next read is checked (and fails) again.
    expect(await fromVerifiedStat(sha256, data.length)).toBe(false);
    await fast.delete(sha256);
  });

  it('does not remember a read that was not consumed to the end', async () => {
    const data = randomBytes(4 * MiB);
    const { sha256 } = await fast.put(Readable.from([data]));
    await sleep(margin + 100);
    const partial = await open(sha256, data.length);
    for await (const _ of partial.body) break; // the client went away after the first chunk
    expect(await fromVerifiedStat(sha256, data.length)).toBe(false);
    await expect(fast.getVerified('0'.repeat(64), () => new DigestCheck({ path: 'x', sha256: '0'.repeat(64), size: 1 }))).rejects.toBeInstanceOf(BlobNotFoundError);
    await fast.delete(sha256);
  });
});
