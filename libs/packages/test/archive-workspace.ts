import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { FsTestBlobStore } from './fs-test-blob-store';

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Deterministic incompressible bytes (a linear congruential generator), so failures reproduce. */
export function noise(len: number, seed: number): Buffer {
  const out = Buffer.alloc(len);
  let x = seed;
  for (let i = 0; i < len; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A temp directory for one spec file's archives and its blob store; removed after the file's tests. */
export function archiveWorkspace(prefix: string): { store: FsTestBlobStore; write(bytes: Buffer): Promise<string>; newPath(): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    store: new FsTestBlobStore(join(dir, 'blobs')),
    async write(bytes: Buffer): Promise<string> {
      n += 1;
      const path = join(dir, `z${n}.zip`);
      await writeFile(path, bytes);
      return path;
    },
    newPath(): string {
      n += 1;
      return join(dir, `z${n}.zip`);
    },
  };
}
