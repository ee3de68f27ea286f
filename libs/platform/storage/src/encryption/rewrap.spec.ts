import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from '../../test/blob-store.contract';
import { blobKey } from '../blob-id';
import { FsBlobStore } from '../fs-blob-store';
import { HEADER_SIZE } from './chunk-format';
import { EncryptedBlobStore } from './encrypted-blob-store';
import { EncryptionKeyError } from './encryption-errors';
import { LocalKeyWrapper } from './local-key-wrapper';
import { fsHeaderWriter, rewrapBlob } from './rewrap';

const root = mkdtempSync(join(tmpdir(), 'mg-rewrap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('rewrapBlob (key rotation)', () => {
  it('rewrites only the header; afterwards the old KEK is no longer needed', async () => {
    const inner = new FsBlobStore(root);
    const oldKek = randomBytes(32);
    const newKek = randomBytes(32);
    const data = randomBytes(300_000);
    const before = new EncryptedBlobStore(inner, new LocalKeyWrapper(oldKek));
    const { sha256 } = await before.put(Readable.from([data]));
    const file = join(root, blobKey(sha256));
    const stored = readFileSync(file);

    const rotating = new EncryptedBlobStore(inner, new LocalKeyWrapper(newKek, [oldKek]));
    expect(await rewrapBlob(rotating, sha256, fsHeaderWriter(root))).toBe(true);
    expect(await rewrapBlob(rotating, sha256, fsHeaderWriter(root))).toBe(false); // idempotent

    const after = readFileSync(file);
    expect(after.length).toBe(stored.length);
    expect(after.subarray(HEADER_SIZE).equals(stored.subarray(HEADER_SIZE))).toBe(true); // chunks untouched
    expect(after.subarray(0, HEADER_SIZE).equals(stored.subarray(0, HEADER_SIZE))).toBe(false);
    expect(after.subarray(0, HEADER_SIZE).includes(Buffer.from(LocalKeyWrapper.keyIdOf(newKek)))).toBe(true);

    const newOnly = new EncryptedBlobStore(inner, new LocalKeyWrapper(newKek));
    expect((await readAll(await newOnly.get(sha256))).equals(data)).toBe(true);
    expect(createHash('sha256').update(await readAll(await newOnly.get(sha256, { start: 65_530, end: 131_080 }))).digest('hex')).toBe(
      createHash('sha256').update(data.subarray(65_530, 131_081)).digest('hex'),
    );
    await expect(before.get(sha256)).rejects.toBeInstanceOf(EncryptionKeyError);
  });
});
