import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob';

const matches = (glob: string, path: string) => compileGlob(glob)(path);

describe('download globs', () => {
  it.each([
    ['*.json', 'config.json', true],
    ['*.json', 'sub/config.json', false],
    ['**/*.json', 'config.json', true],
    ['**/*.json', 'a/b/config.json', true],
    ['**', '.gitattributes', true],
    ['onnx/**', 'onnx/model.onnx', true],
    ['onnx/**', 'onnxx/model.onnx', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['*.{bin,pt,safetensors}', 'model.safetensors', true],
    ['*.{bin,pt}', 'model.onnx', false],
    ['{onnx,tf}/*.{onnx,pb}', 'tf/saved_model.pb', true],
    ['model-?????-of-00002.safetensors', 'model-00001-of-00002.safetensors', true],
    ['?.txt', '/.txt', false],
    ['[a-c]*.json', 'b.json', true],
    ['[!a]*.json', 'a.json', false],
    ['[!a]*.json', 'b.json', true],
    ['[/]x', '/x', false],
    ['file\\*.txt', 'file*.txt', true],
    ['file\\*.txt', 'fileA.txt', false],
    ['weights (1).bin', 'weights (1).bin', true],
    ['a+b.bin', 'a+b.bin', true],
    ['a+b.bin', 'aab.bin', false],
    ['[unclosed', '[unclosed', true],
    ['{single}', '{single}', true],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(matches(glob, path)).toBe(expected);
  });

  it('matches a catastrophic pattern in linear time (it took a backtracking matcher 11.8 s)', () => {
    const glob = 'b/*a*a*a*a*a*a*a*a*a*a*a*a!';
    const path = `b/${'a'.repeat(40)}`;
    const longer = `b/${'a'.repeat(100_000)}`;
    const started = performance.now();
    expect(matches(glob, path)).toBe(false);
    expect(matches(glob, longer)).toBe(false);
    expect(matches('**/**/**/**/**/**/**/**/x', `${'a/'.repeat(10_000)}y`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses patterns too long, too deeply nested or ending in a lone backslash', () => {
    expect(() => compileGlob('a'.repeat(513))).toThrow(/longer than 512/);
    expect(() => compileGlob(`${'{a,'.repeat(10)}b${'}'.repeat(10)}`)).toThrow(/nests braces/);
    expect(() => compileGlob('abc\\')).toThrow(/lone backslash/);
  });
});
