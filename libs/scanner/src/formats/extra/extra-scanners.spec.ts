import { describe, expect, it } from 'vitest';
import { buildGguf } from '../../../test/formats/gguf-samples';
import { benignOnnx } from '../../../test/formats/onnx-samples';
import { benignSafetensors } from '../../../test/formats/safetensors-samples';
import { benignSavedModel } from '../../../test/formats/savedmodel-samples';
import { bufferInput } from '../../../test/formats/scan-harness';
import { EXTRA_SCANNERS } from './index';

/** Content detection must be unambiguous: each sample is claimed by exactly its own scanner. */
describe('EXTRA_SCANNERS detection', () => {
  const samples: [string, Buffer][] = [
    ['safetensors', benignSafetensors()],
    ['gguf', buildGguf({ kv: [], tensors: [], dataBytes: 0 })],
    ['onnx', benignOnnx()],
    ['tf-savedmodel', benignSavedModel()],
    ['name-policy', Buffer.from('{"_name_or_path": "a/b", "model_type": "bert"}')],
    ['chat-template', Buffer.from('{"bos_token": "<s>", "chat_template": "{{ messages }}"}')],
  ];
  for (const [expected, sample] of samples) {
    it(`only ${expected} claims its sample`, async () => {
      const claimed: string[] = [];
      for (const s of EXTRA_SCANNERS) if (await s.canHandle(sample.subarray(0, 4096), bufferInput(sample))) claimed.push(s.name);
      expect(claimed).toEqual([expected]);
    });
  }

  it('claims no pickle, plain text or empty input', async () => {
    for (const sample of [Buffer.from('80049505000000000000008c02696494', 'hex'), Buffer.from('just some text'), Buffer.alloc(0)]) {
      for (const s of EXTRA_SCANNERS) expect(await s.canHandle(sample, bufferInput(sample)), s.name).toBe(false);
    }
  });
});
