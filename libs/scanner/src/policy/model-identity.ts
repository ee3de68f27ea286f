import { parseFrontMatter } from './front-matter';

/** Everything a model's own files say about what it is; all of it is attacker-controlled text. */
export interface ModelIdentity {
  /** Candidate names, most specific first: `_name_or_path`, `base_model`, `model_name`, README `model-index` names. */
  names: string[];
  /** Family from `model_type` (config.json), e.g. `llama`. */
  family?: string;
  architectures: string[];
  tags: string[];
}

const MAX_NAME = 512;
const MAX_ITEMS = 64;

/**
 * Infers the identity of a model from its `config.json` (raw text or parsed) and/or README.md. Hostile
 * input never throws: unparsable documents simply contribute nothing.
 */
export function inferModelIdentity(configJson?: string | Record<string, unknown>, readmeText?: string): ModelIdentity {
  const id: ModelIdentity = { names: [], architectures: [], tags: [] };
  const config = typeof configJson === 'string' ? (safeParse(configJson) ?? scrapeKeys(configJson)) : configJson;
  if (config) {
    addName(id.names, config._name_or_path);
    addName(id.names, config.name_or_path);
    addName(id.names, config.model_name);
    if (typeof config.model_type === 'string' && config.model_type.trim() !== '') id.family = clean(config.model_type);
    if (Array.isArray(config.architectures)) for (const a of config.architectures.slice(0, MAX_ITEMS)) if (typeof a === 'string') id.architectures.push(clean(a));
  }
  const fm = readmeText === undefined ? undefined : parseFrontMatter(readmeText.slice(0, 256 * 1024));
  if (fm) {
    for (const key of ['base_model', 'model_name', 'model-name', 'model_id']) for (const v of fm.get(key) ?? []) addName(id.names, v);
    id.tags.push(...(fm.get('tags') ?? []).slice(0, MAX_ITEMS).map(clean));
  }
  return id;
}

/** `/home/u/models/org/name` or `./org/name` → `org/name`: local checkout paths still reveal the hub id. */
function addName(names: string[], raw: unknown): void {
  if (typeof raw !== 'string' || names.length >= MAX_ITEMS) return;
  let v = clean(raw);
  if (v === '') return;
  if (/^(\/|\.{1,2}\/|[A-Za-z]:[\\/]|~)/.test(v)) v = v.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..').slice(-2).join('/');
  if (v !== '' && !names.includes(v)) names.push(v);
}

function clean(s: string): string {
  // NFKC folds full-width and compatibility characters so "ｅｖｉｌ" cannot dodge an `evil*` rule.
  return s.normalize('NFKC').replace(/\p{Cc}/gu, '').trim().slice(0, MAX_NAME);
}

/**
 * Fallback for documents JSON.parse rejects but Python's json accepts (`NaN`, `Infinity`), which
 * transformers would still load: pull the identity keys out textually so the name policy is not bypassed.
 */
function scrapeKeys(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const head = text.slice(0, 4 * 1024 * 1024);
  for (const key of ['_name_or_path', 'name_or_path', 'model_name', 'model_type']) {
    const m = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,512})"`).exec(head);
    if (m?.[1] !== undefined) out[key] = safeParse(`{"v":"${m[1]}"}`)?.v ?? m[1];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text.slice(0, 4 * 1024 * 1024));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
