/**
 * Chat templates (GGUF `tokenizer.chat_template`, tokenizer_config.json, chat_template.jinja) are parsed with a
 * real Jinja parser (@huggingface/jinja, the one transformers.js renders chat templates with) and judged by the
 * shape of the expression tree. Loaders such as llama-cpp-python rendered them with an unsandboxed Jinja2
 * (CVE-2024-34359), where reaching a dunder attribute is code execution; Jinja2's own SandboxedEnvironment
 * refuses every attribute starting with `_` and the internals listed below, and so do we, however the name is
 * spelled: a plain attribute, a subscript, `|attr`, filter arguments, a `str.format` field, or a string built
 * from pieces (`~`, `+`, `*`, `%`, `|join`, `|format`, `|reverse`, `.replace`, …; see jinja-const.ts).
 * A template the parser rejects is unscannable: what it renders to cannot be known.
 */
import { parse, tokenize } from '@huggingface/jinja';
import { ConstFolder, isNode, type JNode } from './jinja-const';

export interface TemplateIssue {
  rule: string;
  /** Short description of the offending node. */
  snippet: string;
  /** The template could not be analysed (parse error, size cap): blocks as unscannable. */
  unscannable?: boolean;
}

/** Python object internals Jinja2's sandbox refuses (jinja2/sandbox.py is_internal_attribute), plus module hops. */
const INTERNALS = new Set([
  'mro', 'func_globals', 'func_code', 'func_closure', 'func_defaults', 'im_func', 'im_self', 'im_class',
  'gi_frame', 'gi_code', 'gi_yieldfrom', 'cr_frame', 'cr_code', 'cr_await', 'ag_frame', 'ag_code', 'ag_await',
  'tb_frame', 'tb_next', 'f_globals', 'f_locals', 'f_builtins', 'f_back', 'f_code', 'co_code', 'os', 'sys',
  'subprocess', 'builtins', 'modules', 'system', 'popen', 'import_module',
]);
/** Python builtins that a template calling them by name can only mean to reach (Jinja defines none of them). */
const PY_CALLS = new Set(['attr', 'eval', 'exec', 'compile', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'open', 'input', 'breakpoint']);
/** Filters whose arguments name attributes (`|attr('x')`, `|map(attribute='x')`, `|selectattr('x')`, …). */
const ATTR_FILTERS = new Set(['attr', 'map', 'selectattr', 'rejectattr', 'sort', 'groupby', 'sum', 'unique', 'min', 'max']);
/** A `str.format` field that walks an attribute or index: `{0.__class__}`, `{x[__globals__]}`. */
const FORMAT_FIELD_WALK = /\{[^{}]*[.[][^{}]*\}/;

export const MAX_TEMPLATE_CHARS = 1_000_000;

const unsafeAttr = (name: string): boolean => name.startsWith('_') || INTERNALS.has(name);
const builtString = (s: string): boolean => s.includes('__') || /^_+$/.test(s);
const BUILDERS = new Set(['BinaryExpression', 'FilterExpression', 'CallExpression', 'MemberExpression', 'Identifier']);

/** Returns every sandbox escape in the template, or one unscannable issue when it does not parse. */
export function scanJinjaTemplate(template: string): TemplateIssue[] {
  if (template.length > MAX_TEMPLATE_CHARS) return [{ rule: 'oversized-template', snippet: `${template.length} characters`, unscannable: true }];
  let program: JNode;
  try {
    // Same lexer options as @huggingface/jinja's Template (and transformers' chat template environment).
    program = parse(tokenize(template, { lstrip_blocks: true, trim_blocks: true })) as unknown as JNode;
  } catch (err) {
    return [{ rule: 'unparseable', snippet: (err instanceof Error ? err.message : String(err)).slice(0, 160), unscannable: true }];
  }
  const folder = new ConstFolder();
  collectVars(program, folder);
  const issues = new Map<string, TemplateIssue>();
  const add = (rule: string, snippet: string) => issues.set(`${rule}\u0000${snippet}`, { rule, snippet });
  walk(program, (n) => check(n, folder, add));
  return [...issues.values()];
}

function check(n: JNode, folder: ConstFolder, add: (rule: string, snippet: string) => void): void {
  switch (n.type) {
    case 'MemberExpression': {
      const prop = n.property as JNode;
      if (!n.computed) {
        const name = prop.value as string;
        if (unsafeAttr(name)) add(name.startsWith('_') ? 'dunder-attribute' : 'python-internals', `.${name}`);
        break;
      }
      if (prop.type === 'SliceExpression') break;
      const key = folder.fold(prop);
      if (typeof key === 'string' && unsafeAttr(key)) add('computed-dunder', `[${JSON.stringify(key)}]`);
      else if (key === undefined && isStringBuilding(prop, folder)) add('dynamic-attribute-name', `[${prop.type}]`);
      break;
    }
    case 'FilterExpression': {
      const f = n.filter as JNode;
      const name = (f.type === 'Identifier' ? f.value : (f.callee as JNode).value) as string;
      if (!ATTR_FILTERS.has(name)) break;
      const args = f.type === 'CallExpression' ? (f.args as JNode[]).map((a) => (a.type === 'KeywordArgumentExpression' ? (a.value as JNode) : a)) : [];
      for (const a of args) {
        const v = folder.fold(a);
        if (typeof v === 'string' ? unsafeAttr(v) : name === 'attr' && v === undefined) add('attr-filter', `|${name}(${typeof v === 'string' ? JSON.stringify(v) : 'computed'})`);
      }
      break;
    }
    case 'CallExpression': {
      const callee = n.callee as JNode;
      if (callee.type === 'Identifier' && PY_CALLS.has(callee.value as string)) add('python-builtin-call', `${callee.value as string}(…)`);
      if (callee.type === 'MemberExpression' && !callee.computed && (callee.property as JNode).value === 'format') {
        const fmt = folder.fold(callee.object);
        if (typeof fmt !== 'string' || FORMAT_FIELD_WALK.test(fmt)) add('format-attribute', `${JSON.stringify(typeof fmt === 'string' ? fmt.slice(0, 60) : 'computed')}.format(…)`);
      }
      break;
    }
    case 'Identifier':
      if ((n.value as string).startsWith('__')) add('dunder-name', n.value as string);
      break;
    case 'StringLiteral':
      if (/^__\w+__$/.test(n.value as string)) add('dunder-string-literal', JSON.stringify(n.value));
      break;
  }
  // A name assembled from pieces: any built (non-literal) string value that spells a dunder or underscores.
  if (BUILDERS.has(n.type) && n.type !== 'Identifier' && n.type !== 'MemberExpression') {
    const v = folder.fold(n);
    if (typeof v === 'string' && builtString(v)) add('dunder-string-building', JSON.stringify(v.slice(0, 60)));
  }
}

/**
 * Expressions that compute a string (as opposed to a variable, an index or a literal): `~` and `%` always,
 * `+`/`*` when a side is a string (`messages[loop.index0 + 1]` is arithmetic), filters and method calls.
 */
function isStringBuilding(n: JNode, folder: ConstFolder): boolean {
  if (n.type === 'BinaryExpression') {
    const op = (n.operator as { value: string }).value;
    if (op === '~' || op === '%') return true;
    return (op === '+' || op === '*') && [n.left, n.right].some((x) => typeof folder.fold(x) === 'string' || isStringBuilding(x as JNode, folder));
  }
  return n.type === 'FilterExpression' || n.type === 'CallExpression';
}

/** `{% set x = <constant> %}`: one constant per name, otherwise unknown. Loop variables over constant lists too. */
function collectVars(program: JNode, folder: ConstFolder): void {
  const seen = new Set<string>();
  const assign = (name: string, value: unknown) => {
    const v = folder.fold(value);
    if (seen.has(name) && folder.vars.get(name) !== v) folder.vars.set(name, undefined);
    else folder.vars.set(name, v);
    seen.add(name);
  };
  // Two rounds so `{% set a = '_' %}{% set b = a ~ a %}` folds regardless of nesting order.
  for (let round = 0; round < 2; round++) {
    seen.clear();
    walk(program, (n) => {
      const target = n.type === 'Set' ? (n.assignee as JNode) : undefined;
      if (target?.type === 'Identifier' && n.value) assign(target.value as string, n.value);
    });
  }
}

/** Visits every node of the tree (depth-first; node fields, arrays and Map keys/values). */
function walk(root: unknown, visit: (n: JNode) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (isNode(v)) {
      visit(v);
      for (const [k, x] of Object.entries(v)) if (k !== 'operator' && typeof x === 'object' && x !== null) stack.push(x);
    }
  }
}
