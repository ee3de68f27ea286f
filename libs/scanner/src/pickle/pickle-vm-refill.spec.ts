import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanInput } from '../core/types';
import { ByteReader } from '../io/byte-reader';
import { bufferInput, openFileInput } from '../io/inputs';
import { runPickle, type VmHooks } from './pickle-vm';
import type { Value } from './values';

/**
 * The VM runs opcodes synchronously while their bytes are buffered and waits only when they are not (a refill
 * of the reader's 1 MiB read-ahead, a string longer than the 512-byte window, a text-protocol line, a memo
 * entry re-read from the input). The same opcodes must mean the same whatever their distance to the end of
 * the buffered bytes: every opcode kind of the payload below is placed across the first refill.
 */
const CHUNK = 1 << 20; // ByteReader's read-ahead
const b = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u32 = (n: number): Buffer => {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n);
  return x;
};
const longName = 'n'.repeat(3000); // > the 512-byte window and > 256 chars: memoized by its offset, re-read on GET

const payload = b(
  '(', // MARK
  [0x58], u32(longName.length), longName, [0x94], // BINUNICODE, MEMOIZE (index 0)
  'cos\nsystem\n', // GLOBAL (two lines)
  [0x8c, 5], 'posix', [0x8c, 6], 'system', [0x93], // STACK_GLOBAL
  'I12345\n', // INT (line)
  [0x8a, 2, 0x39, 0x30], // LONG1
  'h', [0], // BINGET 0: the long name, re-read from the input
  'X', u32(700), 'x'.repeat(700), // BINUNICODE over the window, not memoized
  ']', [0x94], 'K', [7], 'a', // EMPTY_LIST MEMOIZE BININT1 APPEND
  'g1\n', // GET (line)
  't', '.', // TUPLE STOP
);

/** PROTO 2, then `SHORT_BINBYTES n … POP` filler so that the payload starts `before` bytes short of CHUNK. */
function pickleAt(before: number): { data: Buffer; fillerOps: number } {
  const head = b([0x80, 2]);
  const parts: Buffer[] = [head];
  let left = CHUNK - before - head.length;
  let fillerOps = 1;
  while (left > 0) {
    // A block is 'C' n (n bytes) '0'; the last one takes what is left (never fewer than its 3 bytes of opcodes).
    const n = left <= 258 ? left - 3 : left - 258 < 3 ? 250 : 255;
    if (n < 0) throw new Error(`cannot place the payload at ${before}`);
    parts.push(b('C', [n], Buffer.alloc(n, 0x41), '0'));
    left -= n + 3;
    fillerOps += 2;
  }
  parts.push(payload);
  return { data: Buffer.concat(parts), fillerOps };
}

async function run(input: ScanInput, fillerOps: number): Promise<{ value: Value; events: string[] }> {
  const events: string[] = [];
  const ev = (what: string) => (...args: unknown[]): undefined => {
    const at = args[args.length - 1] as { index: number };
    events.push(`${what} ${JSON.stringify(args.slice(0, -1))} #${at.index - fillerOps}`);
    return undefined;
  };
  const hooks: VmHooks = {
    onImport: ev('import'),
    onUnresolvedGlobal: ev('unresolved'),
    onCall: ev('call'),
    onBuild: ev('build'),
    onExtension: ev('ext'),
    onFrameMismatch: ev('frame'),
    onMemoMiss: ev('miss'),
    onExhaustion: ev('exhaustion'),
    onDifferential: ev('differential'),
    checkBudget: () => undefined,
  };
  const reader = new ByteReader(input);
  const value = await runPickle(reader, hooks, { maxOpcodes: 1 << 20, maxMemo: 1 << 20, maxInlineString: 4096 });
  expect(reader.pos).toBe(input.size);
  return { value, events };
}

const dir = mkdtempSync(join(tmpdir(), 'mg-refill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pickle VM across reader refills', () => {
  it('gives the same value and hook calls wherever the refill falls in the payload', async () => {
    const alone = b([0x80, 2], payload);
    const expected = await run(bufferInput(alone, 'alone.pkl'), 1);
    const items = expected.value.k === 'tuple' ? expected.value.items : [];
    expect(items).toHaveLength(9);
    expect(items[1]).toEqual({ k: 'global', module: 'os', name: 'system' });
    expect(items[5]).toEqual({ k: 'str', v: longName }); // the re-read memo entry
    expect(expected.events.filter((e) => e.startsWith('import'))).toHaveLength(2);
    // Every payload offset from well before the window edge to past the refill, including every byte of the
    // 3000-character string's header, the line opcodes and the re-read.
    const distances = new Set<number>();
    for (let d = 0; d <= payload.length + 600; d += 11) distances.add(d);
    for (let d = 505; d <= 520; d++) distances.add(d);
    for (let d = 3000; d <= 3012; d++) distances.add(d);
    for (const d of [...distances].filter((x) => x >= 0)) {
      const { data, fillerOps } = pickleAt(d);
      const got = await run(bufferInput(data, `at-${d}.pkl`), fillerOps);
      expect({ d, ...got }).toEqual({ d, ...expected });
    }
  });

  it('reads a file input (read straight into the reader’s buffer) the same way', async () => {
    const expected = await run(bufferInput(b([0x80, 2], payload), 'alone.pkl'), 1);
    for (const d of [0, 300, 511, 512, 513, 1500, 3004, 3005, 3006, 3800]) {
      const { data, fillerOps } = pickleAt(d);
      const path = join(dir, `at-${d}.pkl`);
      writeFileSync(path, data);
      const input = await openFileInput(path);
      try {
        expect({ d, ...(await run(input, fillerOps)) }).toEqual({ d, ...expected });
      } finally {
        await input.close();
      }
    }
  });
});
