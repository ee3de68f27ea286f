import { describe, expect, it } from 'vitest';
import { classifyPath, selectParts } from './classify';

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

describe('selectParts', () => {
  const manifest = ['model.safetensors', 'onnx/model.onnx', 'config.json', 'README.md', 'train.py', '.gitattributes'].map((path, i) => ({
    path,
    size: i,
    sha256: String(i).repeat(64),
  }));

  it('returns everything for full and one kind otherwise', () => {
    expect(selectParts(manifest, 'full')).toHaveLength(6);
    expect(selectParts(manifest, 'weights').map((e) => e.path)).toEqual(['model.safetensors', 'onnx/model.onnx']);
    expect(selectParts(manifest, 'docs').map((e) => e.path)).toEqual(['README.md']);
    expect(selectParts(manifest, 'datasets')).toEqual([]);
  });

  it('narrows by glob, matching dotfiles and nested paths', () => {
    expect(selectParts(manifest, 'weights', '*.safetensors').map((e) => e.path)).toEqual(['model.safetensors']);
    expect(selectParts(manifest, 'full', '**/*.onnx').map((e) => e.path)).toEqual(['onnx/model.onnx']);
    expect(selectParts(manifest, 'full', '.git*').map((e) => e.path)).toEqual(['.gitattributes']);
  });

  it('rejects absurdly long globs', () => {
    expect(() => selectParts(manifest, 'full', '*'.repeat(600))).toThrow(RangeError);
  });
});
