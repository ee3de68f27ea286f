/**
 * Extracts the facts scoring and lineage need from a model card and config.json. Everything here is
 * upstream-controlled text: parsing is defensive, sizes are capped, and unknown shapes are dropped, not thrown.
 */

const CONFIG_FIELDS = ['_name_or_path', 'architectures', 'model_type', 'torch_dtype', 'transformers_version', 'base_model', 'base_model_name_or_path'];
const CARD_KEYS = new Set(['base_model', 'license', 'datasets', 'language', 'library_name', 'pipeline_tag', 'tags']);

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

/** Selected config.json fields; invalid JSON yields `{ parseError }` rather than failing the ingest. */
export function extractConfig(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { parseError: 'config.json is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { parseError: 'config.json is not an object' };
  const src = parsed as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_FIELDS) {
    const value = src[key];
    if (typeof value === 'string') out[key] = value.slice(0, 512);
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string').slice(0, 32).map((v) => v.slice(0, 256));
  }
  return out;
}

/** base_model from the card may be a string or a list; normalise to a list of repo ids. */
export function normaliseBaseModel(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value == null ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200).slice(0, 16);
}

/** Keeps JSON-ish card data only if it is small; a 10 MB cardData must not ride along in every event. */
export function boundedJson(value: unknown, maxChars: number): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length <= maxChars ? (JSON.parse(text) as unknown) : undefined;
}
