import type { RulesConfig, Severity } from '../core/types';
import { dangerOf } from './dangerous-globals';
import { isBuiltinSafe } from './safe-globals';

export type CallableClass =
  | { kind: 'safe' }
  | { kind: 'dangerous'; severity: Severity; reason: string }
  | { kind: 'unknown' };

/**
 * Allowlist-first classification of an imported callable:
 * 1. the user's denyCallables always win;
 * 2. the built-in allowlist (exact module + name) means safe;
 * 3. the denylist turns the rest into dangerous with an explanation;
 * 4. the user's allowCallables can then clear what is merely unknown (never something on the denylist);
 * 5. anything else is unknown (WARNING, ERROR in strict mode).
 */
export function classifyCallable(module: string, name: string, rules: RulesConfig): CallableClass {
  const deny = rules.denyCallables ?? [];
  const userDenied = deny.length > 0 ? dangerOf(module, name, deny) : undefined;
  if (userDenied && userDenied.reason.startsWith('listed in denyCallables')) return { kind: 'dangerous', ...userDenied };
  if (isBuiltinSafe(module, name)) return { kind: 'safe' };
  const danger = dangerOf(module, name);
  if (danger) return { kind: 'dangerous', ...danger };
  if (matchesAny(`${module}.${name}`, rules.allowCallables ?? [])) return { kind: 'safe' };
  return { kind: 'unknown' };
}

function matchesAny(full: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === full || (p.endsWith('.*') && full.startsWith(p.slice(0, -1)) && !full.slice(p.length - 1).includes('.')));
}
