import { describe, expect, it } from 'vitest';
import { BENIGN_TEMPLATES, MALICIOUS_TEMPLATES } from '../../../../test/formats/gguf-samples';
import { bufferInput, fuzzScanner, ruleIds, stubContext } from '../../../../test/formats/scan-harness';
import { chatTemplateScanner } from './chat-template.scanner';

async function scan(text: string) {
  const buf = Buffer.from(text);
  expect(chatTemplateScanner.canHandle(buf.subarray(0, 4096), bufferInput(buf))).toBe(true);
  return chatTemplateScanner.scan(bufferInput(buf, 'tokenizer_config.json'), stubContext());
}

describe('chatTemplateScanner', () => {
  it('keeps benign tokenizer_config.json templates (string and named list) clean', async () => {
    expect(await scan(JSON.stringify({ bos_token: '<s>', chat_template: BENIGN_TEMPLATES.llama2, model_max_length: 4096 }))).toEqual([]);
    const named = [{ name: 'default', template: BENIGN_TEMPLATES.chatml }, { name: 'tool_use', template: BENIGN_TEMPLATES.zephyr }];
    expect(await scan(JSON.stringify({ chat_template: named }))).toEqual([]);
    expect(await scan(BENIGN_TEMPLATES.chatml!)).toEqual([]);
  });

  it('flags every SSTI technique in tokenizer_config.json and in chat_template.jinja', async () => {
    for (const [name, template] of Object.entries(MALICIOUS_TEMPLATES)) {
      const wrapped = `{% for message in messages %}{{ message['content'] }}{% endfor %}${template}`;
      expect(ruleIds(await scan(JSON.stringify({ chat_template: wrapped }))), name).toEqual(['template.injection']);
      expect(ruleIds(await scan(wrapped)), name).toEqual(['template.injection']);
    }
  });

  it('checks a named template hidden in a list and JSON that only Python accepts', async () => {
    const named = [{ name: 'default', template: BENIGN_TEMPLATES.chatml }, { name: 'rag', template: MALICIOUS_TEMPLATES['cycler-gadget'] }];
    const findings = await scan(JSON.stringify({ chat_template: named }));
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.details?.template))).toEqual(new Set(['chat_template[rag]']));
    expect(ruleIds(await scan(`{"chat_template": "{{ lipsum.__globals__ }}", "x": NaN}`))).toEqual(['template.injection']);
  });

  it('does not claim unrelated JSON or prose', () => {
    const textPickle = "cos\nsystem\n(S'{% for message in messages %}'\ntR.";
    for (const t of ['{"vocab_size": 32000}', 'Hello {{ name }}', '# README', textPickle]) expect(chatTemplateScanner.canHandle(Buffer.from(t), bufferInput(Buffer.from(t)))).toBe(false);
  });

  it('survives 300 seeded mutations', async () => {
    const sample = Buffer.from(JSON.stringify({ chat_template: MALICIOUS_TEMPLATES['globals-builtins'] }));
    const result = await fuzzScanner(chatTemplateScanner, sample, 300, 77);
    expect(result.withFindings).toBeGreaterThan(100);
  });
});
