import picomatch from 'picomatch';
import type { RulesConfig } from '../core/types';

export interface NamePolicyDecision {
  decision: 'blocked' | 'allowed' | 'none';
  /** The glob that decided, and which list it came from. */
  rule?: string;
  list?: 'blockNames' | 'allowNames';
  /** The form of the name the rule matched (full id, bare name or family). */
  matched?: string;
}

const MAX_PATTERN = 256;
const matcherCache = new Map<string, (s: string) => boolean>();

function matcher(pattern: string): (s: string) => boolean {
  let m = matcherCache.get(pattern);
  if (!m) {
    // Case-insensitive and `/`-aware: `evil-org/*` matches `Evil-Org/model`, `*llama*` matches names, not paths.
    m = pattern.length > MAX_PATTERN ? () => false : picomatch(pattern.normalize('NFKC'), { nocase: true, dot: true });
    if (matcherCache.size > 1000) matcherCache.clear();
    matcherCache.set(pattern, m);
  }
  return m;
}

/** The forms a rule may match: `org/name`, `name`, and both with `-`/`_`/`.` folded to `-`. */
export function nameForms(name: string): string[] {
  const full = name.normalize('NFKC').trim().toLowerCase().slice(0, 512);
  const bare = full.includes('/') ? full.slice(full.lastIndexOf('/') + 1) : full;
  const fold = (s: string): string => s.replace(/[-_.]+/g, '-');
  return [...new Set([full, bare, fold(full), fold(bare)])].filter((s) => s !== '');
}

/**
 * Applies `allowNames` / `blockNames` globs to one model name. An allow rule is an explicit exception and
 * wins over a block rule (so `blockNames: ['*llama*'], allowNames: ['meta-llama/*']` works); with no match
 * the decision is `none` and the registry's other checks decide.
 */
export function matchNamePolicy(name: string, rules: RulesConfig): NamePolicyDecision {
  const forms = nameForms(name);
  const find = (patterns: string[] | undefined): { rule: string; matched: string } | undefined => {
    for (const rule of patterns ?? []) {
      const m = matcher(rule);
      const matched = forms.find((f) => m(f));
      if (matched !== undefined) return { rule, matched };
    }
    return undefined;
  };
  const allow = find(rules.allowNames);
  if (allow) return { decision: 'allowed', list: 'allowNames', ...allow };
  const block = find(rules.blockNames);
  if (block) return { decision: 'blocked', list: 'blockNames', ...block };
  return { decision: 'none' };
}
