import { isAbsolute, resolve } from 'node:path';
import type { FormatScanner } from '../core/types';

export class PluginError extends Error {}

const cache = new Map<string, FormatScanner[]>();

/**
 * Loads FormatScanner plugins (CommonJS modules). A module may export a scanner as `default`, as `scanner`,
 * as an array `scanners`, or as any named export that has `name`, `canHandle` and `scan`. Plugins run with
 * the scanner's privileges: only load code you trust.
 */
export function loadPlugins(paths: readonly string[]): FormatScanner[] {
  const out: FormatScanner[] = [];
  for (const p of paths) {
    const abs = isAbsolute(p) ? p : resolve(process.cwd(), p);
    let found = cache.get(abs);
    if (!found) {
      let mod: unknown;
      try {
        mod = require(abs);
      } catch (err) {
        throw new PluginError(`cannot load plugin ${p}: ${err instanceof Error ? err.message : String(err)}`);
      }
      found = collect(mod);
      if (found.length === 0) throw new PluginError(`plugin ${p} exports no FormatScanner (name, canHandle, scan)`);
      cache.set(abs, found);
    }
    out.push(...found);
  }
  return out;
}

function collect(mod: unknown): FormatScanner[] {
  const out: FormatScanner[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 2 || v == null) return;
    if (isScanner(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach((x) => visit(x, depth + 1));
  };
  visit(mod, 0);
  return [...new Set(out)];
}

function isScanner(v: unknown): v is FormatScanner {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.name === 'string' && typeof s.canHandle === 'function' && typeof s.scan === 'function';
}
