import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlobOversizeError, BlobReadError, type BlobSource } from './blob-source';
import { spoolBlob } from './blob-spool';

const sourceOf = (content: Buffer): BlobSource => ({ get: async () => Readable.from([content.subarray(0, 3000), content.subarray(3000)]) });

describe('spoolBlob', () => {
  it('copies the blob to a private temp file and reports the observed hash', async () => {
    const content = randomBytes(8000);
    const spooled = await spoolBlob(sourceOf(content), 'b'.repeat(64), content.length);
    expect(readFileSync(spooled.file).equals(content)).toBe(true);
    expect(spooled.observedSha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(spooled.observedSize).toBe(8000);
    await spooled.dispose();
    expect(existsSync(dirname(spooled.file))).toBe(false);
  });

  it('stops copying a blob larger than declared and cleans up', async () => {
    await expect(spoolBlob(sourceOf(randomBytes(8000)), 'c'.repeat(64), 5000)).rejects.toBeInstanceOf(BlobOversizeError);
  });

  it('wraps a missing blob in a BlobReadError', async () => {
    const missing: BlobSource = { get: async () => Promise.reject(new Error('ENOENT')) };
    await expect(spoolBlob(missing, 'd'.repeat(64), 10)).rejects.toBeInstanceOf(BlobReadError);
  });
});
