import { describe, expect, it } from 'vitest';
import { selectParts } from './classify';

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
