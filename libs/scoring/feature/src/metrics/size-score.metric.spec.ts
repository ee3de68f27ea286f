import { describe, expect, it } from 'vitest';
import { contextOf, file, modelEvidence } from '../../test/evidence-builder';
import { sizeScore } from './size-score.metric';
import { weightFootprint } from './weight-footprint';

const MB = 1_000_000;

describe('weightFootprint', () => {
  it('counts one serialisation of the weights, preferring safetensors', () => {
    const fp = weightFootprint([file('model.safetensors', 440 * MB), file('pytorch_model.bin', 440 * MB), file('tf_model.h5', 536 * MB), file('flax_model.msgpack', 438 * MB)]);
    expect(fp).toMatchObject({ format: 'safetensors', bytes: 440 * MB, files: 1 });
  });

  it('adds up shards and ignores Core ML copies and training state', () => {
    const fp = weightFootprint([
      file('model-00001-of-00002.safetensors', 4_000 * MB),
      file('model-00002-of-00002.safetensors', 1_000 * MB),
      file('coreml/model.mlpackage/Data/com.apple.CoreML/weights/weight.bin', 5_000 * MB),
      file('training_args.bin', 5_000),
    ]);
    expect(fp).toMatchObject({ format: 'safetensors', bytes: 5_000 * MB, files: 2 });
    expect(weightFootprint([file('training_args.bin', 5_000), file('config.json', 700)])).toBeUndefined();
  });

  it('takes the smallest precision variant of the same file', () => {
    expect(weightFootprint([file('unet/model.safetensors', 3_400 * MB), file('unet/model.fp16.safetensors', 1_700 * MB), file('vae/model.safetensors', 330 * MB)])).toMatchObject({ bytes: 2_030 * MB, files: 2 });
    expect(weightFootprint([file('tiny.Q8_0.gguf', 1_200 * MB), file('tiny.Q4_K_M.gguf', 700 * MB)])).toMatchObject({ format: 'gguf', bytes: 700 * MB, fileDtype: 'q4_k_m' });
  });
});

describe('size_score', () => {
  it('falls steeply on small devices and gently on large ones', () => {
    const small = sizeScore(contextOf(modelEvidence({ files: [file('model.safetensors', 60 * MB)] }))).score;
    const big = sizeScore(contextOf(modelEvidence({ files: [file('model.safetensors', 14_000 * MB)] }))).score;
    expect(small).toEqual({ raspberry_pi: 1, jetson_nano: 1, desktop_pc: 1, aws_server: 1 });
    expect(big.raspberry_pi).toBe(0);
    expect(big.jetson_nano).toBe(0);
    expect(big.desktop_pc).toBeLessThan(0.15);
    expect(big.aws_server).toBeGreaterThan(0.9);
  });

  it('doubles the footprint where the device must upcast the dtype', () => {
    const files = [file('model.safetensors', 300 * MB)];
    const fp32 = sizeScore(contextOf(modelEvidence({ files, metadata: { config: { torch_dtype: 'float32' } } }))).score;
    const bf16 = sizeScore(contextOf(modelEvidence({ files, metadata: { config: { torch_dtype: 'bfloat16' } } })));
    expect(bf16.score.raspberry_pi).toBeLessThan(fp32.raspberry_pi);
    expect(bf16.score.jetson_nano).toBeLessThan(fp32.jetson_nano);
    expect(bf16.score.desktop_pc).toBe(fp32.desktop_pc);
    expect(bf16.reason).toContain('bfloat16');
  });

  it('falls back to a neutral 0.5 per device without weight files', () => {
    const result = sizeScore(contextOf(modelEvidence({ files: [file('README.md', 100)] })));
    expect(result).toMatchObject({ fallback: true, score: { raspberry_pi: 0.5, jetson_nano: 0.5, desktop_pc: 0.5, aws_server: 0.5 } });
  });

  it('ignores entries with nonsense sizes', () => {
    expect(sizeScore(contextOf(modelEvidence({ files: [file('model.safetensors', Number.NaN), file('model.bin', -5)] }))).fallback).toBe(true);
  });
});
