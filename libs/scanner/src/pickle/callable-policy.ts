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
 * 4. the user's allowCallables (exact `module.name` entries an admin reviewed) can then clear what is merely
 *    unknown, never something on the denylist;
 * 5. anything else is unknown, which blocks: an unlisted callable can reach eval, a shell or a nested loader.
 * Neither list takes prefixes or wildcards: a package's module can re-export a gadget under its own name.
 */
export function classifyCallable(module: string, name: string, rules: RulesConfig): CallableClass {
  const deny = rules.denyCallables ?? [];
  const userDenied = deny.length > 0 ? dangerOf(module, name, deny) : undefined;
  if (userDenied && userDenied.reason.startsWith('listed in denyCallables')) return { kind: 'dangerous', ...userDenied };
  if (isBuiltinSafe(module, name)) return { kind: 'safe' };
  const danger = dangerOf(module, name);
  if (danger) return { kind: 'dangerous', ...danger };
  if ((rules.allowCallables ?? []).includes(`${module}.${name}`)) return { kind: 'safe' };
  return { kind: 'unknown' };
}
