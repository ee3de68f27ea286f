import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { readUpTo } from '../common/bytes';
import { finding } from '../common/findings';
import { scanJinjaTemplate } from '../gguf/chat-template';

/** tokenizer_config.json files with big vocabularies reach a few MiB; templates themselves are tiny. */
const MAX_DOC = 16 << 20;
/**
 * A standalone template must *start* with a Jinja tag: text pickles (protocol 0) can embed template-looking
 * strings, and claiming one here would hide it from the pickle scanner that runs later.
 */
const JINJA_HEAD = /^\s*\{[%{#]/;
const MENTIONS_MESSAGES = /\bmessages?\b/;

/**
 * Hugging Face chat templates outside GGUF: `tokenizer_config.json` (`chat_template` as a string or a list
 * of `{name, template}`) and the standalone `chat_template.jinja`. Transformers renders them in a sandbox,
 * but llama.cpp-based and custom servers have not always done so (CVE-2024-34359), so the same SSTI rules
 * as for GGUF apply.
 */
export const chatTemplateScanner: FormatScanner = {
  name: 'chat-template',
  canHandle(head: Buffer): boolean {
    if (head.includes(0)) return false;
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    if (/^\s*\{\s*"/.test(text)) return /"chat(_|\\u005[fF])template"\s*:/.test(text); // JSON may escape the key too
    return JINJA_HEAD.test(text) && MENTIONS_MESSAGES.test(text);
  },
  async scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    ctx.setFormat?.('text');
    const text = (await readUpTo(input, 0, MAX_DOC)).toString('utf8').replace(/^\uFEFF/, '');
    const out: Finding[] = [];
    if (input.size > MAX_DOC) {
      out.push(finding(input, 'template.unscannable', 'ERROR', `file of ${input.size} bytes exceeds the ${MAX_DOC}-byte cap; only the start was checked`, { unscannable: true }));
    }
    const templates = templatesOf(text);
    if (templates === 'invalid') {
      return [...out, finding(input, 'template.unparseable', 'ERROR', 'tokenizer_config.json is not valid JSON: its chat template cannot be decoded', { unscannable: true })];
    }
    for (const [where, template] of templates) {
      ctx.checkBudget();
      for (const issue of scanJinjaTemplate(template)) {
        const bad = issue.unscannable === true;
        out.push(
          finding(input, bad ? 'template.unparseable' : 'template.injection', 'ERROR',
            `${where}: ${bad ? 'template cannot be analysed' : 'sandbox escape'} (${issue.rule}) ${JSON.stringify(issue.snippet)}`,
            { details: { template: where, pattern: issue.rule, snippet: issue.snippet }, unscannable: bad }),
        );
      }
    }
    return out;
  },
};

/**
 * The templates in a document, JSON escapes decoded by a real JSON parser (so `\u005f` is `_` before Jinja
 * sees it); raw text when it is not JSON. Python's json also accepts NaN/Infinity, which become null here; a
 * document neither parser accepts is unscannable (transformers could not load it either).
 */
function templatesOf(text: string): [string, string][] | 'invalid' {
  if (!/^\s*\{\s*"/.test(text)) return [['template', text]]; // `{%`, `{{`, `{#`: a bare Jinja file
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    try {
      doc = JSON.parse(text.replace(/([:[,]\s*)-?(NaN|Infinity)(?=\s*[,}\]])/g, '$1null'));
    } catch {
      return 'invalid';
    }
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const value = (doc as Record<string, unknown>).chat_template;
  if (typeof value === 'string') return [['chat_template', value]];
  if (Array.isArray(value)) {
    return value.slice(0, 1000).flatMap((v, i): [string, string][] => {
      if (typeof v !== 'object' || v === null) return [];
      const { name, template } = v as Record<string, unknown>;
      return typeof template === 'string' ? [[`chat_template[${typeof name === 'string' ? name.slice(0, 80) : i}]`, template]] : [];
    });
  }
  return [];
}
