import type { Finding, FormatScanner, ScanContext, ScanInput } from '../core/types';
import { readUpTo } from '../formats/extra/common/bytes';
import { finding } from '../formats/extra/common/findings';
import { inferModelIdentity, type ModelIdentity } from './model-identity';
import { matchNamePolicy } from './name-policy';

/** config.json / README.md are small; anything bigger is read only up to this cap. */
const MAX_DOC = 1 << 20;
const CONFIG_KEYS = /"(_name_or_path|architectures|model_type)"\s*:/;

/**
 * Applies the name policy (`RulesConfig.blockNames` / `allowNames`) to the identity a model declares in its
 * Hugging Face `config.json` or model-card front matter. Detection is by content: a JSON object with
 * transformers keys, or Markdown that opens with a `---` front-matter block.
 */
export const namePolicyScanner: FormatScanner = {
  name: 'name-policy',
  canHandle(head: Buffer): boolean {
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    if (/^\s*\{/.test(text)) return CONFIG_KEYS.test(text);
    return /^---[ \t]*\r?\n/.test(text) && /^(base_model|model_name|tags|license|language|library_name|pipeline_tag)\s*:/m.test(text);
  },
  async scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    ctx.setFormat?.('text');
    const rules = ctx.options.rules;
    if ((rules.blockNames?.length ?? 0) === 0 && (rules.allowNames?.length ?? 0) === 0) return [];
    const text = (await readUpTo(input, 0, MAX_DOC)).toString('utf8').replace(/^\uFEFF/, '');
    const isJson = /^\s*\{/.test(text);
    const identity = isJson ? inferModelIdentity(text) : inferModelIdentity(undefined, text);
    if (isJson && identity.names.length === 0 && identity.family === undefined && input.size > MAX_DOC) {
      return [finding(input, 'policy.unscannable', 'ERROR', `config of ${input.size} bytes exceeds the ${MAX_DOC}-byte cap; the model name could not be checked`, { unscannable: true })];
    }
    return policyFindings(input, identity, ctx);
  },
};

function policyFindings(input: ScanInput, identity: ModelIdentity, ctx: ScanContext): Finding[] {
  const out: Finding[] = [];
  const candidates = [...identity.names, ...(identity.family ? [identity.family] : [])];
  for (const name of candidates) {
    ctx.checkBudget();
    const d = matchNamePolicy(name, ctx.options.rules);
    if (d.decision !== 'blocked') continue;
    const kind = name === identity.family ? 'model family' : 'model name';
    out.push(
      finding(input, 'policy.blocked-name', 'ERROR', `${kind} ${JSON.stringify(name)} is blocked by rule ${JSON.stringify(d.rule)} in blockNames (matched as ${JSON.stringify(d.matched)})`, {
        details: { name, rule: d.rule, matched: d.matched, kind },
      }),
    );
  }
  return out;
}
