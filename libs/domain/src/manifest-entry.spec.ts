import { describe, expect, it } from 'vitest';
import { classifyEntry, classifyPath } from './file-kind';
import { isSha256Hex, manifestTotalBytes } from './manifest-entry';

describe('classifyPath', () => {
  it.each([
    ['model.safetensors', 'weights'],
    ['pytorch_model.bin', 'weights'],
    ['onnx/model.onnx', 'weights'],
    ['tf_model.h5', 'weights'],
    ['flax_model.msgpack', 'weights'],
    ['model-q4.gguf', 'weights'],
    ['ckpt/last.CKPT', 'weights'],
    ['config.json', 'config'],
    ['tokenizer.json', 'config'],
    ['tokenizer_config.json', 'config'],
    ['generation_config.json', 'config'],
    ['conf/train.yaml', 'config'],
    ['README.md', 'docs'],
    ['docs/usage.md', 'docs'],
    ['LICENSE', 'docs'],
    ['train.py', 'code'],
    ['demo.ipynb', 'code'],
    ['scripts/run.sh', 'code'],
    ['data/train.json', 'datasets'],
    ['plain_text/train-00000.parquet', 'datasets'],
    ['rows.csv', 'datasets'],
    ['.gitattributes', 'other'],
    ['image.png', 'other'],
  ] as const)('%s → %s', (path, kind) => {
    expect(classifyPath(path)).toBe(kind);
  });
});

describe('manifest entries', () => {
  const entry = { path: 'model.safetensors', size: 10, sha256: 'a'.repeat(64) };

  it('carry a kind derived from the path', () => {
    expect(classifyEntry(entry)).toEqual({ ...entry, kind: 'weights' });
  });

  it('sum to the package size', () => {
    expect(manifestTotalBytes([entry, { ...entry, size: 5 }])).toBe(15);
    expect(manifestTotalBytes([])).toBe(0);
  });

  it.each([['a'.repeat(64), true], ['A'.repeat(64), false], ['a'.repeat(63), false], ['g'.repeat(64), false], [42, false]])(
    'sha256 %j is valid: %s',
    (value, ok) => expect(isSha256Hex(value)).toBe(ok),
  );
});
