import { describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { scanInputInProcess } from '../engine/scan-core';

const b = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u = (s: string): Buffer => b([0x8c, s.length], s); // SHORT_BINUNICODE
const scan = (data: Buffer, overrides = {}) => scanInputInProcess(bufferInput(data, 'test.pkl'), defaultScanOptions(overrides));
const rules = async (data: Buffer, overrides = {}) => (await scan(data, overrides)).findings.map((f) => f.ruleId);

describe('pickle VM', () => {
  it('resolves STACK_GLOBAL names stored in the memo long before use (survives memo compaction)', async () => {
    const filler = Buffer.alloc(300_000 * 3);
    for (let i = 0; i < 300_000; i++) filler.set([0x7d, 0x94, 0x30], i * 3); // EMPTY_DICT MEMOIZE POP
    const data = b([0x80, 4], u('os'), [0x94, 0x30], u('system'), [0x94, 0x30], filler, 'j', [0, 0, 0, 0], 'j', [1, 0, 0, 0], [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(data);
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]).toMatchObject({ ruleId: 'pickle.dangerous-global', details: { callable: 'os.system' } });
  });

  it('keeps findings made before a parse error and still blocks (nullifAI / exception-oriented payloads)', async () => {
    const r = await scan(b([0x80, 2], 'cos\nsystem\n', u('id'), [0x85, 0x52], [0xff]));
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toEqual(['pickle.dangerous-global', 'pickle.malformed']);
  });

  it('reports a malformed benign-looking stream as unscannable, never clean', async () => {
    const r = await scan(b([0x80, 2], ']', [0x94], '(', 'K', [1]));
    expect(r.verdict).toBe('unscannable');
    expect(r.findings[0].ruleId).toBe('pickle.malformed');
  });

  it('enforces the opcode budget', async () => {
    const many = Buffer.alloc(50_000, 0x4e); // NONE × 50k
    const r = await scan(b([0x80, 2], many, '.'), { maxOpcodes: 10_000 });
    expect(r.verdict).toBe('unscannable');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.opcode-budget');
  });

  it('enforces the cooperative deadline inside long parses', async () => {
    const ops = Buffer.alloc(3_000_000 * 2);
    for (let i = 0; i < 3_000_000; i++) ops.set([0x4e, 0x30], i * 2); // NONE POP
    const r = await scan(b([0x80, 2], ops, 'N.'), { timeoutMs: 1, maxOpcodes: 1e8 });
    expect(r.findings.map((f) => f.ruleId)).toContain('budget.timeout');
    expect(r.verdict).toBe('unscannable');
  });

  it('survives billion-laughs style DUP/GET expansion quickly', async () => {
    const body = Buffer.alloc(200_000 * 3);
    for (let i = 0; i < 200_000; i++) body.set([0x68, 0x00, 0x61], i * 3); // BINGET 0, APPEND
    const started = Date.now();
    const r = await scan(b([0x80, 2], ']', [0x94], body, '.'));
    expect(r.verdict).toBe('clean');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('flags calls of computed callables and EXT registry entries', async () => {
    expect(await rules(b([0x80, 2], 'cbuiltins\nslice\n', ')R', u('x'), [0x85], 'R.'))).toContain('pickle.indirect-call');
    expect(await rules(b([0x80, 2], [0x83, 1, 0], ')R.'))).toEqual(['pickle.extension-registry', 'pickle.indirect-call']);
  });

  it('handles protocol 0 text opcodes, escapes and PUT/GET', async () => {
    const r = await scan(b("(S'a\\x41\\'b'\np0\ng0\nV\\u00e9t\np1\nI42\nL7L\nF1.5\ntp2\n."));
    expect(r.verdict).toBe('clean');
    expect(r.format).toBe('pickle');
  });

  it('scans nested pickles inside bytes handed to a loader, bounded by maxDepth', async () => {
    const inner = b([0x80, 2], 'cos\nsystem\n', u('id'), [0x85], 'R.');
    const outer = b([0x80, 3], 'c_pickle\nloads\n', 'C', [inner.length], inner, [0x85], 'R.');
    expect(await rules(outer)).toEqual(expect.arrayContaining(['pickle.dangerous-global', 'pickle.nested-pickle']));
    let deep = inner;
    for (let i = 0; i < 5; i++) deep = b([0x80, 3], 'cbuiltins\nbytearray\n', 'B', [deep.length & 0xff, deep.length >> 8, 0, 0], deep, [0x85], 'R.');
    const r = await scan(deep, { maxDepth: 2 });
    expect(r.verdict).not.toBe('clean');
  });
});
