import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RulesConfig } from '../core/types';

export class UsageError extends Error {}

export interface RulesFile extends RulesConfig {
  plugins?: string[];
}

const LIST_KEYS = ['allowCallables', 'denyCallables', 'blockNames', 'allowNames', 'plugins'] as const;

/** Reads a --rules file (JSON or YAML), validating every field; plugin paths are resolved against the file. */
export async function loadRulesFile(path: string): Promise<RulesFile> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read rules file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (text.length > 1 << 20) throw new UsageError('rules file larger than 1 MiB');
  let data: unknown;
  try {
    data = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(`rules file ${path} is not valid JSON/YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data == null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError('rules file must contain a mapping');
  const out: RulesFile = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (!(LIST_KEYS as readonly string[]).includes(k)) throw new UsageError(`unknown key "${k}" in rules file (allowed: ${LIST_KEYS.join(', ')})`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 500)) {
      throw new UsageError(`"${k}" must be a list of non-empty strings`);
    }
    // An admin allows the exact callables they reviewed; a prefix would also admit every gadget the
    // package (or a later version of it) defines or re-exports.
    if (k === 'allowCallables' && v.some((x: string) => x.includes('*') || !x.includes('.'))) {
      throw new UsageError('"allowCallables" takes exact module.name entries (no wildcards or bare modules)');
    }
    out[k as (typeof LIST_KEYS)[number]] = v as string[];
  }
  if (out.plugins) out.plugins = out.plugins.map((p) => (isAbsolute(p) ? p : resolve(dirname(path), p)));
  return out;
}
