import { describe, expect, it } from 'vitest';
import { BENIGN_TEMPLATES, MALICIOUS_TEMPLATES, buildGguf, type GgufSpec } from '../../../../test/formats/gguf-samples';
import { bufferInput, fuzzScanner, hasErrorOrWorse, ruleIds, scanBuffer, stubContext } from '../../../../test/formats/scan-harness';
import { scanJinjaTemplate } from './chat-template';
import { ggufScanner } from './gguf.scanner';

function benignSpec(template = BENIGN_TEMPLATES.chatml!): GgufSpec {
  return {
    kv: [
      ['general.architecture', { t: 'str', v: 'llama' }],
      ['general.name', { t: 'str', v: 'tiny-test' }],
      ['general.alignment', { t: 'u32', v: 32 }],
      ['tokenizer.ggml.tokens', { t: 'arr-str', v: ['<s>', '</s>', 'hello', 'world'] }],
      ['tokenizer.ggml.token_type', { t: 'arr-u32', v: [3, 3, 1, 1] }],
      ['tokenizer.chat_template', { t: 'str', v: template }],
    ],
    tensors: [
      { name: 'tok_embd.weight', dims: [4, 8], type: 0, offset: 0 },
      { name: 'blk.0.q8', dims: [64], type: 8, offset: 128 },
    ],
    dataBytes: 128 + 68,
  };
}

describe('ggufScanner', () => {
  it('accepts a benign GGUF with a ChatML template and detects it by magic', async () => {
    const sample = buildGguf(benignSpec());
    expect(ggufScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample))).toBe(true);
    expect(await scanBuffer(ggufScanner, sample)).toEqual([]);
  });

  it('parses version 1 files (32-bit counts)', async () => {
    expect(await scanBuffer(ggufScanner, buildGguf({ ...benignSpec(), version: 1 }))).toEqual([]);
  });

  for (const [name, template] of Object.entries(BENIGN_TEMPLATES)) {
    it(`keeps the benign ${name} template clean`, () => {
      expect(scanJinjaTemplate(template)).toEqual([]);
    });
  }

  for (const [name, template] of Object.entries(MALICIOUS_TEMPLATES)) {
    it(`flags the ${name} template injection as ERROR`, async () => {
      const findings = await scanBuffer(ggufScanner, buildGguf(benignSpec(template)));
      expect(ruleIds(findings)).toContain('gguf.chat-template-injection');
      expect(hasErrorOrWorse(findings)).toBe(true);
    });
  }

  it('ignores dangerous-looking words in template text outside Jinja blocks', () => {
    expect(scanJinjaTemplate('You are helpful. Never call os.system or eval(). {{ messages[0].content }}')).toEqual([]);
  });

  it('flags a chat template stored as a non-string type', async () => {
    const spec = benignSpec();
    spec.kv[5] = ['tokenizer.chat_template', { t: 'arr-str', v: ["{{ ''.__class__ }}"] }];
    expect(ruleIds(await scanBuffer(ggufScanner, buildGguf(spec)))).toEqual(['gguf.bad-metadata']);
  });

  it('does not flag benign templates that mention system prompts, strftime or builtin tools', () => {
    const llama31ish = '{%- if builtin_tools is defined %}{{- "Environment: ipython\\n" }}{%- endif %}{%- set date_string = strftime_now("%d %b %Y") %}{{- "Today Date: " + date_string }}{{ raise_exception("System role not supported") }}';
    expect(scanJinjaTemplate(llama31ish)).toEqual([]);
  });

  it('rejects duplicate metadata keys (readers disagree on which one wins)', async () => {
    const spec = benignSpec();
    spec.kv.push(['tokenizer.ggml.tokens', { t: 'arr-str', v: ['x'] }]);
    const findings = await scanBuffer(ggufScanner, buildGguf(spec));
    expect(ruleIds(findings)).toEqual(['gguf.unscannable']);
    expect(findings[0]!.message).toContain('duplicate metadata key');
  });

  it('rejects hostile counts before allocating', async () => {
    const huge = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.from('0000000000000040', 'hex'), Buffer.alloc(8)]);
    const findings = await scanBuffer(ggufScanner, huge);
    expect(ruleIds(findings)).toEqual(['gguf.unscannable']);
    expect(findings[0]!.message).toMatch(/tensor count .* exceeds the cap/);
  });

  it('rejects an array whose element count runs past the end', async () => {
    const spec = benignSpec();
    spec.kv.push(['evil.array', { t: 'raw', type: 9, bytes: Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.from('ffffff0000000000', 'hex')]) }]);
    expect(ruleIds(await scanBuffer(ggufScanner, buildGguf(spec)))).toEqual(['gguf.unscannable']);
  });

  it('flags tensors outside the data section, misaligned and overlapping', async () => {
    const spec = benignSpec();
    spec.tensors = [
      { name: 'a', dims: [8], type: 0, offset: 0 },
      { name: 'b', dims: [8], type: 0, offset: 0 },
      { name: 'c', dims: [8], type: 0, offset: 4 },
      { name: 'd', dims: [1 << 20], type: 0, offset: 64 },
    ];
    const ids = ruleIds(await scanBuffer(ggufScanner, buildGguf(spec)));
    expect(ids).toEqual(['gguf.misaligned-tensor', 'gguf.tensor-out-of-bounds', 'gguf.tensor-overlap']);
  });

  it('rejects unknown value types, bad versions and non-power-of-two alignment', async () => {
    const badType = benignSpec();
    badType.kv.push(['x', { t: 'raw', type: 77, bytes: Buffer.alloc(4) }]);
    expect(ruleIds(await scanBuffer(ggufScanner, buildGguf(badType)))).toEqual(['gguf.unscannable']);
    expect(ruleIds(await scanBuffer(ggufScanner, buildGguf({ ...benignSpec(), version: 9 })))).toEqual(['gguf.unscannable']);
    const badAlign = benignSpec();
    badAlign.kv[2] = ['general.alignment', { t: 'u32', v: 48 }];
    expect(ruleIds(await scanBuffer(ggufScanner, buildGguf(badAlign)))).toContain('gguf.bad-alignment');
  });

  it('reads metadata in windows, not the whole file', async () => {
    const spec = benignSpec();
    spec.tensors = [{ name: 'big', dims: [1 << 20], type: 1, offset: 0 }];
    spec.dataBytes = 2 << 20;
    const input = bufferInput(buildGguf(spec));
    expect(await ggufScanner.scan(input, stubContext())).toEqual([]);
    expect(input.maxRead).toBeLessThanOrEqual(64 * 1024);
  });

  it('walks a realistic 200k-token vocabulary quickly', async () => {
    const spec = benignSpec();
    spec.kv.push(['tokenizer.ggml.merges', { t: 'arr-str', v: Array.from({ length: 200_000 }, (_, i) => `t${i} m${i}`) }]);
    const started = performance.now();
    expect(await scanBuffer(ggufScanner, buildGguf(spec))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('survives 400 seeded mutations without throwing or hanging', async () => {
    const sample = buildGguf(benignSpec());
    const result = await fuzzScanner(ggufScanner, sample, 400, 99, { hotOffsets: [4, 8, 16, 24, 32, 40, 60, 61, 62, 63] });
    expect(result.withFindings).toBeGreaterThan(150);
    expect(result.maxMs).toBeLessThan(2000);
  });
});
