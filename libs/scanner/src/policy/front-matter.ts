/**
 * Reads the flat keys of a model card's YAML front matter (`base_model`, `model_name`, `tags`, …). Only
 * scalars and lists of scalars are understood: that is all Hugging Face model cards use for these keys,
 * and a full YAML parser (anchors, tags, merge keys) would be attack surface for no gain.
 */
export type FrontMatter = Map<string, string[]>;

const MAX_FRONT_MATTER = 64 * 1024;
const MAX_LINES = 5000;

export function parseFrontMatter(text: string): FrontMatter | undefined {
  const body = text.replace(/^\uFEFF/, '');
  const open = /^---[ \t]*\r?\n/.exec(body);
  if (!open) return undefined;
  const rest = body.slice(open[0].length, open[0].length + MAX_FRONT_MATTER);
  const close = /^(---|\.\.\.)[ \t]*$/m.exec(rest);
  if (!close) return undefined;
  const lines = rest.slice(0, close.index).split(/\r?\n/).slice(0, MAX_LINES);
  const out: FrontMatter = new Map();
  let listKey: string | undefined;
  for (const line of lines) {
    if (/^\s*(#|$)/.test(line)) continue;
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item && listKey !== undefined) {
      out.get(listKey)?.push(scalar(item[1] ?? ''));
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*:\s*(.*)$/.exec(line);
    if (!kv) {
      if (!/^\s/.test(line)) listKey = undefined;
      continue;
    }
    const [, key, value] = kv as unknown as [string, string, string];
    listKey = undefined;
    if (value === '' || value === '|' || value === '>') {
      out.set(key, []);
      listKey = key;
    } else if (value.startsWith('[') && value.endsWith(']')) {
      out.set(key, value.slice(1, -1).split(',').map(scalar).filter((s) => s !== ''));
    } else {
      out.set(key, [scalar(value)]);
    }
  }
  return out;
}

function scalar(raw: string): string {
  const v = raw.replace(/\s+#.*$/, '').trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1).trim();
  return v;
}
