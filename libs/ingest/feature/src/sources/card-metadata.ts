import {
  type AdapterConfigExcerpt,
  type BaseModel,
  type BaseModelRelation,
  BASE_MODEL_RELATIONS,
  type CardFrontMatter,
  type ModelConfigExcerpt,
} from '@modelguard/contracts';

/**
 * Extracts the facts scoring and lineage need from a model card, config.json and adapter_config.json, in the
 * shapes of the PackageMetadata contract. Everything here is upstream-controlled text: parsing is defensive,
 * sizes are capped, and unknown shapes are dropped, not thrown.
 */

const CONFIG_STRING_FIELDS = ['_name_or_path', 'model_type', 'torch_dtype', 'transformers_version', 'base_model_name_or_path'] as const;
const CARD_KEYS = new Set(['base_model', 'base_model_relation', 'license', 'datasets', 'language', 'library_name', 'pipeline_tag', 'tags']);

type Scalar = string | string[];

/**
 * Reads the simple top-level keys of a README's YAML front matter (scalars and `- item` lists), which is all we
 * need as a fallback when the Hub's parsed cardData is absent. Nested structures are ignored on purpose.
 */
export function parseFrontMatter(readme: string): Record<string, Scalar> {
  const m = /^---\r?\n([\s\S]{0,65536}?)\r?\n---\r?\n/.exec(readme);
  if (!m) return {};
  const out: Record<string, Scalar> = {};
  let listKey: string | null = null;
  for (const line of m[1].split(/\r?\n/)) {
    const item = /^\s*-\s+(.+)$/.exec(line);
    if (item && listKey) {
      const current = out[listKey];
      out[listKey] = [...(Array.isArray(current) ? current : []), unquote(item[1])];
      continue;
    }
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!kv) {
      if (!/^\s/.test(line)) listKey = null;
      continue;
    }
    listKey = null;
    if (!CARD_KEYS.has(kv[1])) continue;
    if (kv[2] === '') {
      listKey = kv[1];
      out[kv[1]] = [];
    } else out[kv[1]] = unquote(kv[2]);
  }
  return out;
}

function unquote(value: string): string {
  const v = value.trim();
  return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/** A JSON object from a file, or why not. */
function parseJsonObject(text: string, file: string): { object: Record<string, unknown> } | { parseError: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { parseError: `${file} is not valid JSON` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { parseError: `${file} is not an object` };
  return { object: parsed as Record<string, unknown> };
}

const boundedString = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);
const stringList = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 32).map((v) => v.slice(0, 256)) : undefined);

/** Selected config.json fields; invalid JSON yields `{ parseError }` rather than failing the ingest. */
export function extractConfig(text: string): ModelConfigExcerpt {
  const parsed = parseJsonObject(text, 'config.json');
  if ('parseError' in parsed) return parsed;
  const src = parsed.object;
  const out: ModelConfigExcerpt = {};
  for (const key of CONFIG_STRING_FIELDS) {
    const value = boundedString(src[key], 512);
    if (value !== undefined) out[key] = value;
  }
  const architectures = stringList(src['architectures']);
  if (architectures) out.architectures = architectures;
  const baseModel = boundedString(src['base_model'], 512) ?? stringList(src['base_model']);
  if (baseModel !== undefined) out.base_model = baseModel;
  return out;
}

/** adapter_config.json (PEFT adapters): the base model it applies to. */
export function extractAdapterConfig(text: string): AdapterConfigExcerpt {
  const parsed = parseJsonObject(text, 'adapter_config.json');
  if ('parseError' in parsed) return parsed;
  const src = parsed.object;
  return compactStrings({
    base_model_name_or_path: boundedString(src['base_model_name_or_path'], 512),
    peft_type: boundedString(src['peft_type'], 100),
    task_type: boundedString(src['task_type'], 100),
  });
}

function compactStrings<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

const listOf = (value: unknown, maxItems: number, maxChars: number) =>
  (Array.isArray(value) ? value : value == null ? [] : [value])
    .filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= maxChars)
    .slice(0, maxItems);

function isRelation(value: unknown): value is BaseModelRelation {
  return (BASE_MODEL_RELATIONS as readonly unknown[]).includes(value);
}

/** The card's front matter keys of the contract, from the Hub's parsed cardData or the README's front matter. */
export function cardFrontMatterOf(card: Record<string, unknown>): CardFrontMatter {
  const license = Array.isArray(card['license']) ? card['license'][0] : card['license'];
  return compactStrings({
    license: boundedString(license, 100),
    base_model: normaliseBaseModel(card['base_model']),
    base_model_relation: isRelation(card['base_model_relation']) ? card['base_model_relation'] : undefined,
    datasets: listOf(card['datasets'], 64, 200),
    language: listOf(card['language'], 256, 64),
    library_name: boundedString(card['library_name'], 200),
    pipeline_tag: boundedString(card['pipeline_tag'], 200),
    tags: listOf(card['tags'], 200, 200),
  });
}

/**
 * The models this one derives from, with how (the Hub's rule when the card does not say: an adapter if it ships an
 * adapter_config.json, quantized if it ships GGUF weights, a merge if it names several bases, else a fine-tune).
 * An adapter's adapter_config.json names its base even when the card does not.
 */
export function baseModelsOf(card: CardFrontMatter, adapter: AdapterConfigExcerpt | undefined, filePaths: readonly string[]): BaseModel[] {
  const repos = [...(card.base_model ?? [])];
  const adapterBase = adapter?.base_model_name_or_path;
  if (repos.length === 0 && adapterBase && !adapterBase.startsWith('/') && adapterBase.length <= 200) repos.push(adapterBase);
  const relation: BaseModelRelation =
    card.base_model_relation ??
    (adapter && !adapter.parseError ? 'adapter' : filePaths.some((p) => p.toLowerCase().endsWith('.gguf')) ? 'quantized' : repos.length > 1 ? 'merge' : 'finetune');
  return repos.map((repo) => ({ repo, relation }));
}

/** base_model from the card may be a string or a list; normalise to a list of repo ids. */
export function normaliseBaseModel(value: unknown): string[] {
  return listOf(value, 16, 200);
}

/** Keeps JSON-ish card data only if it is small; a 10 MB cardData must not ride along in every event. */
export function boundedJson<T>(value: T | undefined, maxChars: number): T | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length <= maxChars ? (JSON.parse(text) as T) : undefined;
}
