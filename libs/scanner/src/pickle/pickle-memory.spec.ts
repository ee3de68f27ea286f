import { describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { scanInputInProcess } from '../engine/scan-core';
import { Memo } from './vm-memo';
import type { Value } from './values';

/** Detection properties of the compact memo (strings re-read from the input, compacted containers) and budgets. */
const b = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u = (s: string): Buffer => b([0x8c, s.length], s); // SHORT_BINUNICODE
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const scan = (data: Buffer, overrides = {}) => scanInputInProcess(bufferInput(data, 'test.pkl'), defaultScanOptions(overrides));

/** `count` distinct short strings, each memoized (MEMOIZE) and popped: fills the decoded-string allowance. */
function memoizedStrings(count: number): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => b(u(`s${i}`), [0x94, 0x30])));
}

describe('pickle memo under memory pressure', () => {
  it('re-reads memoized names from the input once the decoded-string allowance is used up', async () => {
    const n = 70_000; // > the 65 536 strings kept decoded: 'os' and 'system' are stored as file offsets
    const data = b([0x80, 4], memoizedStrings(n), u('os'), [0x94, 0x30], u('system'), [0x94, 0x30],
      'j', u32(n), 'j', u32(n + 1), [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]).toMatchObject({ ruleId: 'pickle.dangerous-global', details: { callable: 'os.system' } });
  });

  it('fails closed when a memoized text-protocol name can be neither kept nor re-read', async () => {
    const n = 70_000;
    const data = b([0x80, 4], memoizedStrings(n), "S'os'\n", [0x94, 0x30], u('system'), [0x94, 0x30],
      'j', u32(n), 'j', u32(n + 1), [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.unresolved-global');
  });

  it('drops memoized data strings but fails closed if one is used as an import name', async () => {
    const benign = b([0x80, 4], ']', [0x94], u('item-1'), [0x94], [0x61], 'h', [1], [0x61], '.');
    expect((await scan(benign)).verdict).toBe('clean');
    const data = b([0x80, 4], u('os-x'), [0x94, 0x30], 'h', [0], u('system'), [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.unresolved-global');
  });

  it('treats an over-long module name as a hidden import, not as a name', async () => {
    const long = 'os' + ' '.repeat(5_000);
    const data = b([0x80, 4], 'X', u32(long.length), long, u('system'), [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.unresolved-global');
  });

  it('still scans an over-long string handed to a loader as a nested pickle (read back from the input)', async () => {
    const inner = "cos\nsystem\n(S'id'\ntR." + ' '.repeat(5_000);
    const data = b([0x80, 2], 'cpickle\nloads\n', 'X', u32(inner.length), inner, [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    const callables = r.findings.map((f) => f.details?.['callable']);
    expect(callables).toContain('os.system');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.nested-pickle');
  });
});

describe('Memo', () => {
  const str = (v: string): Value => ({ k: 'str', v });

  it('compacts old plain containers and calls but keeps the ones later analysis needs', () => {
    const memo = new Memo();
    const plainDict: Value = { k: 'dict', kv: [str('a'), { k: 'int', v: 1 }] };
    const withBytes: Value = { k: 'list', items: [{ k: 'bytes', off: 0, len: 10 }] };
    const fn: Value = { k: 'global', module: 'collections', name: 'OrderedDict' };
    const call: Value = { k: 'call', fn, args: { k: 'tuple', items: [] }, op: 'REDUCE' };
    const dtype: Value = { k: 'call', fn: { k: 'global', module: 'numpy', name: 'dtype' }, args: { k: 'tuple', items: [str('f4')] }, op: 'REDUCE' };
    [plainDict, withBytes, call, dtype].forEach((v, i) => memo.put(i, v, -1, 1e6));
    expect(memo.get(0)).toBe(plainDict); // still recent: may be filled later
    for (let i = 4; i < 5_000; i++) memo.put(i, { k: 'dict', kv: [] }, -1, 1e6);
    expect(memo.get(0)).toMatchObject({ k: 'dict', kv: [] });
    expect(Object.isFrozen(memo.get(0))).toBe(true);
    expect(memo.get(1)).toBe(withBytes);
    expect(memo.get(2)).toMatchObject({ k: 'call', fn, op: 'REDUCE' });
    expect(Object.isFrozen(memo.get(2))).toBe(true);
    expect(memo.get(3)).toBe(dtype);
  });

  it('stores scalars and re-readable values compactly, also at sparse indices, and enforces its size', () => {
    const memo = new Memo();
    memo.put(7, { k: 'int', v: -5 }, -1, 10);
    expect(memo.get(7)).toEqual({ k: 'int', v: -5 });
    for (const idx of [0, 1 << 16, 2 << 16, 3 << 16, 0xfff00000]) memo.put(idx, { k: 'bytes', off: 9, len: 3 }, 5_000_000_000, 10);
    expect(memo.get(0xfff00000)).toBeUndefined();
    expect(memo.sourceOf(0xfff00000)).toBe(5_000_000_000);
    expect(memo.sourceOf(0)).toBe(5_000_000_000);
    expect(memo.count).toBe(6);
    for (let i = 0; i < 4; i++) memo.put(100 + i, str('x'), -1, 10);
    expect(memo.put(200, str('y'), -1, 10)).toBe(false);
    expect(memo.put(100, str('z'), -1, 10)).toBe(true); // overwriting is not a new entry
    expect(memo.get(100)).toEqual(str('z'));
  });
});

describe('opcode budget', () => {
  it('grows with the input size so big benign pickles stay scannable', async () => {
    const pairs = 9_000_000; // NONE POP × 9 M = 18 MiB: two budget units of 16 MiB
    const body = Buffer.alloc(pairs * 2);
    for (let i = 0; i < body.length; i += 2) {
      body[i] = 0x4e;
      body[i + 1] = 0x30;
    }
    const data = b([0x80, 2], body, 'N.');
    expect((await scan(data, { maxOpcodes: 10_000_000, timeoutMs: 120_000 })).verdict).toBe('clean');
    const r = await scan(data, { maxOpcodes: 8_000_000, timeoutMs: 120_000 }); // 16 M < 18 M opcodes
    expect(r.verdict).toBe('unscannable');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.opcode-budget');
  }, 120_000);
});
