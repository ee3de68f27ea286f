import { describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { scanInputInProcess } from '../engine/scan-core';

// Issue 13 point 2: empty and zero-opcode model files are "not a valid model file", and streams of many
// tiny pickles (one memo each, grown on demand) keep every finding of the slow path.
const b = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u = (s: string): Buffer => b([0x8c, s.length], s); // SHORT_BINUNICODE
const scan = (data: Buffer, name = 'model.pkl') => scanInputInProcess(bufferInput(data, name), defaultScanOptions());

describe('not a valid model file', () => {
  it('reports an empty model file as unscannable, while an empty text file stays clean', async () => {
    for (const name of ['model.pkl', 'pytorch_model.bin', 'weights.safetensors', 'm.gguf']) {
      const r = await scan(Buffer.alloc(0), name);
      expect(r.verdict, name).toBe('unscannable');
      expect(r.findings.map((f) => f.ruleId), name).toEqual(['format.not-a-model']);
    }
    expect((await scan(Buffer.alloc(0), 'README.md')).verdict).toBe('clean');
    expect((await scan(Buffer.alloc(0), 'pkg/__init__.py')).verdict).toBe('clean');
  });

  it('reports pickles with no opcode between PROTO/FRAME and STOP as not a model file, never clean', async () => {
    const zeroOpcode = [b('.'), b([0x80, 4], '.'), b([0x80, 2], '.'), b([0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0], '.')];
    for (const data of zeroOpcode) {
      const r = await scan(data);
      expect(r.verdict, data.toString('hex')).toBe('unscannable');
      expect(r.findings.map((f) => f.ruleId), data.toString('hex')).toEqual(['format.not-a-model']);
    }
    // A value pushed and popped again is a malformed pickle (the loader raises), as before.
    expect((await scan(b([0x80, 4], 'N0.'))).findings.map((f) => f.ruleId)).toEqual(['pickle.malformed']);
  });

  it('finds a payload after thousands of tiny benign pickles, and memo entries past a grown page', async () => {
    const tiny = b([0x80, 4, 0x7d, 0x94], u('id'), [0x94, 0x4b, 7, 0x73, 0x2e]); // {'id': 7}, memoized
    // 200 memoized dicts first, so the names land far past the memo's first (small) page before being fetched.
    const filler = Buffer.alloc(200 * 3);
    for (let i = 0; i < 200; i++) filler.set([0x7d, 0x94, 0x30], i * 3);
    const payload = b([0x80, 4], filler, u('os'), [0x94], u('system'), [0x94, 0x30, 0x30], 'h', [200], 'h', [201], [0x93], u('id'), [0x85, 0x52, 0x2e]);
    const r = await scan(Buffer.concat([...Array.from({ length: 20_000 }, () => tiny), payload]));
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]).toMatchObject({ ruleId: 'pickle.dangerous-global', details: { callable: 'os.system' } });
    expect((await scan(Buffer.concat(Array.from({ length: 20_000 }, () => tiny)))).verdict).toBe('clean');
  });
});
