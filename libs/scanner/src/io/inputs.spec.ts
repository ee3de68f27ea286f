import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { openBlockingFileInput, openFileInput, type ClosableInput } from './inputs';

const dir = mkdtempSync(join(tmpdir(), 'mg-inputs-'));
const file = join(dir, 'data.bin');
// 3 MiB + 17 bytes: more than the ByteReader's 1 MiB chunk, and not a multiple of it.
const data = Buffer.alloc((3 << 20) + 17);
for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
writeFileSync(file, data);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withInput<T>(open: (p: string) => Promise<ClosableInput>, use: (i: ClosableInput) => Promise<T>): Promise<T> {
  const input = await open(file);
  try {
    return await use(input);
  } finally {
    await input.close();
  }
}

describe('openBlockingFileInput (the scan worker’s file input)', () => {
  it('reads exactly what the promise-based input reads, including short reads at the end and empty ranges', async () => {
    const ranges: Array<[number, number]> = [[0, 10], [5, 4096], [data.length - 3, 10], [data.length, 5], [data.length + 9, 5], [-1, 4], [100, 0], [1 << 20, 1 << 20]];
    const read = (open: (p: string) => Promise<ClosableInput>) =>
      withInput(open, async (input) => Promise.all(ranges.map(([o, n]) => input.read(o, n).then((b) => b.toString('hex')))));
    const blocking = await read(openBlockingFileInput);
    expect(blocking).toEqual(await read(openFileInput));
    expect(blocking[2]).toBe(data.subarray(data.length - 3).toString('hex'));
    expect(blocking[3]).toBe('');
  });

  it('streams the whole file through a ByteReader (reads straight into its buffer) byte for byte', async () => {
    const seen = await withInput(openBlockingFileInput, async (input) => {
      const r = new ByteReader(input);
      const parts: Buffer[] = [];
      while (r.remaining > 0) {
        await r.fill(Math.min(70_000, r.remaining));
        const n = Math.min(70_000, r.remaining);
        parts.push(Buffer.from(r.take(n)));
      }
      return Buffer.concat(parts);
    });
    expect(seen.equals(data)).toBe(true);
  });

  it('falls back to the promise-based input for what is not a regular file', async () => {
    const input = await openBlockingFileInput('/dev/null');
    try {
      expect(input.size).toBe(0);
      expect((await input.read(0, 10)).length).toBe(0);
    } finally {
      await input.close();
    }
  });
});
