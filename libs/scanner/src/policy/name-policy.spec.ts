import { describe, expect, it } from 'vitest';
import { bufferInput, fuzzScanner, ruleIds, stubContext } from '../../test/formats/scan-harness';
import { inferModelIdentity, matchNamePolicy, namePolicyScanner, parseFrontMatter } from './index';

const CONFIG = JSON.stringify({ _name_or_path: 'evil-org/llama-uncensored', architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 4096 });
const README = `---
license: apache-2.0
base_model:
  - "mistralai/Mistral-7B-v0.1"   # the parent
model_name: Zephyr-ish
tags: [text-generation, chat]
---
# Model card
base_model: not-front-matter/ignored
`;

async function scanText(text: string, rules: { blockNames?: string[]; allowNames?: string[] }) {
  const input = bufferInput(Buffer.from(text), 'config.json');
  expect(namePolicyScanner.canHandle(Buffer.from(text).subarray(0, 4096), input)).toBe(true);
  return namePolicyScanner.scan(input, stubContext({ rules }));
}

describe('inferModelIdentity', () => {
  it('reads config.json and README front matter', () => {
    expect(inferModelIdentity(CONFIG)).toEqual({ names: ['evil-org/llama-uncensored'], family: 'llama', architectures: ['LlamaForCausalLM'], tags: [] });
    expect(inferModelIdentity(undefined, README)).toEqual({ names: ['mistralai/Mistral-7B-v0.1', 'Zephyr-ish'], architectures: [], tags: ['text-generation', 'chat'] });
  });

  it('reduces local checkout paths to the hub id and never throws on junk', () => {
    expect(inferModelIdentity({ _name_or_path: '/home/u/.cache/models/Org/Name' }).names).toEqual(['Org/Name']);
    expect(inferModelIdentity('{not json', '--- no front matter')).toEqual({ names: [], architectures: [], tags: [] });
    expect(inferModelIdentity('[1,2]').names).toEqual([]);
    expect(parseFrontMatter('---\nunterminated: yes\n')).toBeUndefined();
  });
});

describe('matchNamePolicy', () => {
  it('matches globs case-insensitively on the full id, the bare name and delimiter-folded forms', () => {
    expect(matchNamePolicy('Evil-Org/Model', { blockNames: ['evil-org/*'] })).toMatchObject({ decision: 'blocked', rule: 'evil-org/*' });
    expect(matchNamePolicy('someone/llama_2_uncensored', { blockNames: ['*-uncensored'] })).toMatchObject({ decision: 'blocked', matched: 'llama-2-uncensored' });
    expect(matchNamePolicy('ｅｖｉｌ-org/x', { blockNames: ['evil-org/*'] }).decision).toBe('blocked');
    expect(matchNamePolicy('good-org/model', { blockNames: ['evil-org/*'] }).decision).toBe('none');
  });

  it('lets an explicit allow rule override a broad block rule', () => {
    const rules = { blockNames: ['*llama*'], allowNames: ['meta-llama/*'] };
    expect(matchNamePolicy('meta-llama/Llama-3-8B', rules)).toMatchObject({ decision: 'allowed', list: 'allowNames' });
    expect(matchNamePolicy('randomguy/llama-3-8b', rules)).toMatchObject({ decision: 'blocked', list: 'blockNames' });
  });
});

describe('namePolicyScanner', () => {
  it('blocks a config.json whose name matches and explains the rule', async () => {
    const findings = await scanText(CONFIG, { blockNames: ['evil-org/*'] });
    expect(ruleIds(findings)).toEqual(['policy.blocked-name']);
    expect(findings[0]!.severity).toBe('ERROR');
    expect(findings[0]!.message).toContain('"evil-org/*"');
  });

  it('blocks by family (model_type) and by README base_model', async () => {
    expect(ruleIds(await scanText(CONFIG, { blockNames: ['llama'] }))).toEqual(['policy.blocked-name']);
    expect(ruleIds(await scanText(README, { blockNames: ['mistralai/*'] }))).toEqual(['policy.blocked-name']);
  });

  it('still applies the policy when config.json uses Python-only JSON (NaN) that JSON.parse rejects', async () => {
    const pythonJson = '{"_name_or_path": "evil-org/x", "initializer_range": NaN, "model_type": "llama"}';
    expect(inferModelIdentity(pythonJson)).toMatchObject({ names: ['evil-org/x'], family: 'llama' });
    expect(ruleIds(await scanText(pythonJson, { blockNames: ['evil-org/*'] }))).toEqual(['policy.blocked-name']);
  });

  it('is silent without rules or without a match', async () => {
    expect(await scanText(CONFIG, {})).toEqual([]);
    expect(await scanText(CONFIG, { blockNames: ['other/*'] })).toEqual([]);
    expect(await scanText(CONFIG, { blockNames: ['evil-org/*'], allowNames: ['evil-org/llama-uncensored'] })).toEqual([]);
  });

  it('does not claim ordinary JSON or Markdown', () => {
    for (const t of ['{"a": 1}', '# Title\nbase_model: x', '[1,2,3]']) expect(namePolicyScanner.canHandle(Buffer.from(t), bufferInput(Buffer.from(t)))).toBe(false);
  });
});

describe('name policy on hostile input', () => {
  it('never throws on mutated configs and model cards', async () => {
    for (const [i, text] of [CONFIG, README].entries()) {
      const context = () => stubContext({ rules: { blockNames: ['evil-org/*', 'llama', 'mistralai/*'] } });
      const result = await fuzzScanner(namePolicyScanner, Buffer.from(text), 300, 500 + i, { context });
      // Most mutations leave the name intact, so the block rule must still fire on them.
      expect(result.withFindings).toBeGreaterThan(100);
    }
  });

  it('ignores oversized patterns and names instead of compiling them', () => {
    expect(matchNamePolicy('x'.repeat(100_000), { blockNames: ['*'.repeat(10_000)] }).decision).toBe('none');
    expect(matchNamePolicy('a/b', { blockNames: ['a/*'] }).decision).toBe('blocked');
  });
});
