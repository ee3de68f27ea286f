import { describe, expect, it } from 'vitest';
import { benignOnnx, maliciousOnnx } from '../../../../test/formats/onnx-samples';
import { bufferInput, fuzzScanner, ruleIds, scanBuffer, stubContext } from '../../../../test/formats/scan-harness';
import { externalPathProblem } from './external-data-path';
import { onnxScanner } from './onnx.scanner';

const SEVERITY: Record<string, string> = {
  'onnx.external-data-traversal': 'ERROR',
  'onnx.custom-operator-domain': 'WARNING',
  'onnx.unscannable': 'ERROR',
};

describe('onnxScanner', () => {
  it('accepts a model with standard ops and in-folder external data', async () => {
    const sample = benignOnnx();
    expect(onnxScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample))).toBe(true);
    expect(await scanBuffer(onnxScanner, sample)).toEqual([]);
  });

  it('does not claim a SavedModel, a pickle or JSON', () => {
    const savedModelHead = Buffer.from([0x08, 0x01, 0x12, 0x04, 0x0a, 0x02, 0x20, 0x01]);
    for (const head of [savedModelHead, Buffer.from('\x80\x04\x95', 'latin1'), Buffer.from('{"a":1}')]) {
      expect(onnxScanner.canHandle(head, bufferInput(head))).toBe(false);
    }
  });

  for (const [name, [sample, rule]] of Object.entries(maliciousOnnx())) {
    it(`flags ${name} as ${rule}`, async () => {
      const findings = await scanBuffer(onnxScanner, sample);
      expect(ruleIds(findings)).toContain(rule);
      expect(findings.find((f) => f.ruleId === rule)?.severity).toBe(SEVERITY[rule]);
    });
  }

  it('classifies external data locations', () => {
    expect(externalPathProblem('model.onnx.data')).toBeUndefined();
    expect(externalPathProblem('weights/part-1.bin')).toBeUndefined();
    for (const bad of ['../x', 'a/../../b', '/abs', '\\\\server\\share', 'C:/x', 'https://evil/x', '~/x', 'a/\0b', '', 'a/ .. /b']) {
      expect(externalPathProblem(bad), bad).toBeDefined();
    }
  });

  it('skips initializer payloads instead of reading them', async () => {
    const { model, graph, node, initializer } = await import('../../../../test/formats/onnx-samples');
    const input = bufferInput(model(graph([node('MatMul'), initializer('big', undefined, 4 << 20)])));
    expect(await onnxScanner.scan(input, stubContext())).toEqual([]);
    expect(input.maxRead).toBeLessThanOrEqual(64 * 1024);
  });

  it('walks a 50k-node graph within a few seconds', async () => {
    const { model, graph, node } = await import('../../../../test/formats/onnx-samples');
    const sample = model(graph(Array.from({ length: 50_000 }, (_, i) => node('Add', { name: `n${i}` }))));
    const started = performance.now();
    expect(await scanBuffer(onnxScanner, sample)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports a truncated model as unscannable, never clean', async () => {
    const sample = benignOnnx();
    expect(ruleIds(await scanBuffer(onnxScanner, sample.subarray(0, sample.length - 10)))).toEqual(['onnx.unscannable']);
  });

  it('survives 400 seeded mutations without throwing or hanging', async () => {
    const result = await fuzzScanner(onnxScanner, benignOnnx(), 400, 7, { hotOffsets: [1, 3, 5, 20, 21, 40, 41] });
    expect(result.withFindings).toBeGreaterThan(200);
    expect(result.maxMs).toBeLessThan(2000);
  });
});
