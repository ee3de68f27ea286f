import { describe, expect, it } from 'vitest';
import { encode } from '../../../../test/formats/protobuf-encoder';
import { benignSavedModel, graphDef, maliciousSavedModels, tfNode } from '../../../../test/formats/savedmodel-samples';
import { benignOnnx } from '../../../../test/formats/onnx-samples';
import { bufferInput, fuzzScanner, ruleIds, scanBuffer } from '../../../../test/formats/scan-harness';
import { savedModelScanner } from './savedmodel.scanner';

describe('savedModelScanner', () => {
  it('accepts MatMul/Add/Placeholder plus the standard saver plumbing with no findings', async () => {
    const sample = benignSavedModel();
    expect(savedModelScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample))).toBe(true);
    expect(await scanBuffer(savedModelScanner, sample)).toEqual([]);
  });

  it('does not claim ONNX files or text', () => {
    for (const head of [benignOnnx(), Buffer.from('hello world'), Buffer.from('{"a":1}')]) {
      expect(savedModelScanner.canHandle(head.subarray(0, 4096), bufferInput(head))).toBe(false);
    }
  });

  for (const [name, [sample, rule, severity]] of Object.entries(maliciousSavedModels())) {
    it(`flags ${name} as ${rule} (${severity})`, async () => {
      const findings = await scanBuffer(savedModelScanner, sample);
      expect(ruleIds(findings)).toContain(rule);
      expect(findings.find((f) => f.ruleId === rule)?.severity).toBe(severity);
    });
  }

  it('scans a frozen GraphDef .pb too', async () => {
    const frozen = encode(graphDef([tfNode('x', 'Placeholder'), tfNode('p', 'PyFunc', ['x'])]));
    expect(savedModelScanner.canHandle(frozen.subarray(0, 4096), bufferInput(frozen))).toBe(true);
    expect(ruleIds(await scanBuffer(savedModelScanner, frozen))).toEqual(['savedmodel.python-callback-op']);
  });

  it('reports a truncated SavedModel as unscannable', async () => {
    const sample = benignSavedModel();
    expect(ruleIds(await scanBuffer(savedModelScanner, sample.subarray(0, sample.length - 3)))).toEqual(['savedmodel.unscannable']);
  });

  it('survives 400 seeded mutations without throwing or hanging', async () => {
    const result = await fuzzScanner(savedModelScanner, benignSavedModel(), 400, 4242, { hotOffsets: [1, 3, 4, 5, 6, 7, 30, 31] });
    expect(result.withFindings).toBeGreaterThan(150);
    expect(result.maxMs).toBeLessThan(2000);
  });
});
