import { describe, expect, it } from 'vitest';
import { benignSafetensors, maliciousSafetensors, safetensorsFile } from '../../../../test/formats/safetensors-samples';
import { bufferInput, fuzzScanner, hasErrorOrWorse, ruleIds, scanBuffer, stubContext } from '../../../../test/formats/scan-harness';
import { safetensorsScanner } from './safetensors.scanner';

describe('safetensorsScanner', () => {
  it('accepts a valid file with no findings and detects it by content', async () => {
    const sample = benignSafetensors();
    expect(safetensorsScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample))).toBe(true);
    expect(await scanBuffer(safetensorsScanner, sample)).toEqual([]);
  });

  it('does not claim pickles, zips or text', () => {
    for (const head of [Buffer.from('\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.from('PK\x03\x04aaaaaaaaaa'), Buffer.from('{"a": 1, "b": 2}'), Buffer.from('        {"a": 1}')]) {
      expect(safetensorsScanner.canHandle(head, bufferInput(head))).toBe(false);
    }
  });

  for (const [name, [sample, rule]] of Object.entries(maliciousSafetensors())) {
    it(`flags ${name} as ${rule}`, async () => {
      expect(safetensorsScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample))).toBe(true);
      const findings = await scanBuffer(safetensorsScanner, sample);
      expect(ruleIds(findings)).toContain(rule);
      expect(hasErrorOrWorse(findings)).toBe(true);
    });
  }

  it('marks parse failures as unscannable and layout violations as threats', async () => {
    const samples = maliciousSafetensors();
    const [dup] = await scanBuffer(safetensorsScanner, samples['duplicate keys']![0]);
    expect(dup).toMatchObject({ ruleId: 'safetensors.unscannable', severity: 'ERROR', unscannable: true });
    expect(dup!.message).toMatch(/duplicate key "a"/);
    const [overlap] = await scanBuffer(safetensorsScanner, samples['overlapping tensors']![0]);
    expect(overlap!.unscannable).toBeUndefined();
  });

  it('names both tensors in an overlap and reports the byte offset', async () => {
    const sample = safetensorsFile({ a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }, b: { dtype: 'F32', shape: [2, 3], data_offsets: [12, 36] } }, Buffer.alloc(36));
    const [f] = (await scanBuffer(safetensorsScanner, sample)).filter((x) => x.ruleId === 'safetensors.overlap');
    expect(f?.message).toMatch(/"a" and "b"/);
    expect(f?.location.offset).toBeGreaterThan(8);
  });

  it('reads the header only, never the tensor data', async () => {
    const header = { a: { dtype: 'U8', shape: [1 << 20], data_offsets: [0, 1 << 20] } };
    const input = bufferInput(safetensorsFile(header, Buffer.alloc(1 << 20)));
    expect(await safetensorsScanner.scan(input, stubContext())).toEqual([]);
    expect(input.maxRead).toBeLessThan(200);
  });

  it('propagates the engine budget error instead of hiding it', async () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) many[`t${i}`] = { dtype: 'U8', shape: [1], data_offsets: [i, i + 1] };
    await expect(safetensorsScanner.scan(bufferInput(safetensorsFile(many, Buffer.alloc(100))), stubContext({}, 10))).rejects.toThrow(/budget/);
  });

  it('survives 400 seeded mutations without throwing, hanging or big reads', async () => {
    const result = await fuzzScanner(safetensorsScanner, benignSafetensors(), 400, 1234, { hotOffsets: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(result.cases).toBe(400);
    expect(result.withFindings).toBeGreaterThan(300);
    expect(result.maxMs).toBeLessThan(2000);
  });
});
