/**
 * Static checks for Jinja chat templates (GGUF `tokenizer.chat_template`, tokenizer_config.json). Loaders
 * such as llama-cpp-python rendered these with an unsandboxed Jinja environment (CVE-2024-34359), so a
 * template that walks Python object internals is code execution. Benign templates only index messages,
 * loop and concatenate strings, so the rules target the object-walking vocabulary, not prose.
 */
export interface TemplateIssue {
  rule: string;
  /** Short excerpt of the offending Jinja block. */
  snippet: string;
}

interface Rule {
  rule: string;
  re: RegExp;
}

const RULES: readonly Rule[] = [
  { rule: 'dunder-attribute', re: /__[A-Za-z][A-Za-z0-9_]*__/ },
  { rule: 'python-internals', re: /\b(mro|func_globals|f_globals|gi_frame|_TemplateReference__context|_module|__self__)\b/ },
  // Jinja's own `{% import %}` / `{% from … import %}` statements, and Flask/werkzeug import helpers.
  { rule: 'import', re: /^\s*-?\s*(import|from)\s+['"(\w]|\b(from_pyfile|import_string)\b/ },
  { rule: 'os-module', re: /\bos\s*\.|\bsubprocess\b|\bsys\s*\.\s*modules\b|\bbuiltins\b/ },
  { rule: 'process-exec', re: /\b(popen|system|spawn\w*|check_output|getoutput)\s*\(/ },
  { rule: 'eval-exec', re: /\b(eval|exec|compile)\s*\(/ },
  { rule: 'jinja-global-gadget', re: /\b(cycler|joiner|lipsum|url_for|get_flashed_messages)\b/ },
  { rule: 'flask-globals', re: /\brequest\s*\.\s*application\b|\bconfig\s*\.\s*(items|from_|__)|\bself\s*\._/ },
  { rule: 'attr-filter', re: /\|\s*attr\b|\battr\s*\(/ },
  { rule: 'getattr', re: /\b(getattr|setattr|globals|locals|vars)\s*\(/ },
  // Building a dunder out of pieces: literals made only of underscores ('_' ~ '_', ['_','_']|join,
  // "{0}{0}".format("_")), escaped underscores (\x5f, \u005f, \137, \N{LOW LINE}), and %c formatting of 95.
  { rule: 'dunder-string-building', re: /(['"])_+\1|\\x5f|\\u005f|\\U0000005f|\\137|\\N\{|['"][^'"]*%c[^'"]*['"]\s*(\||%)|\bformat\s*\(\s*95\b|\bchr\s*\(/i },
  { rule: 'dunder-string-literal', re: /(['"])[^'"]*__[^'"]*\1|(['"])__|__(['"])/ },
];

const BLOCK_RE = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
/** Templates are at most a few KiB; the cap bounds regex work on hostile megabyte strings. */
export const MAX_TEMPLATE_CHARS = 1_000_000;

/** Returns every dangerous construct found inside Jinja `{{ }}` / `{% %}` blocks (text outside is inert). */
export function scanJinjaTemplate(template: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  const text = template.length > MAX_TEMPLATE_CHARS ? template.slice(0, MAX_TEMPLATE_CHARS) : template;
  if (template.length > MAX_TEMPLATE_CHARS) issues.push({ rule: 'oversized-template', snippet: `${template.length} characters` });
  for (const m of text.matchAll(BLOCK_RE)) {
    const block = m[1] ?? m[2] ?? '';
    for (const { rule, re } of RULES) {
      const hit = re.exec(block);
      if (!hit) continue;
      const key = `${rule}:${hit[0]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const start = Math.max(0, hit.index - 30);
      issues.push({ rule, snippet: block.slice(start, hit.index + hit[0].length + 30).replace(/\s+/g, ' ').trim() });
    }
  }
  // An unclosed block hides code from the extractor above but Jinja would reject it; still say so.
  const opens = (text.match(/\{\{|\{%/g) ?? []).length;
  const closes = (text.match(/\}\}|%\}/g) ?? []).length;
  if (opens !== closes) issues.push({ rule: 'unbalanced-delimiters', snippet: `${opens} openings, ${closes} closings` });
  return issues;
}
