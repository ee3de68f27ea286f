import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classifyCallable } from './callable-policy';
import { dangerOf } from './dangerous-globals';
import { ALLOWED_CALLABLES, isBuiltinSafe } from './safe-globals';

/**
 * The reviewed allowlist (issue 16, class 1): exact names, each with a reason, each resolving to what the
 * list claims. Resolution runs in the python3 of this machine for the modules it can import (stdlib, numpy,
 * scipy); the rest (torch, scikit-learn) are checked for shape only and reported as not resolvable here.
 */
const RESOLVE = `
import importlib, json, sys, warnings, _compat_pickle
warnings.simplefilter('ignore')
out = []
for m, n, kind in json.load(sys.stdin):
    mm, nn = _compat_pickle.NAME_MAPPING.get(('__builtin__', n), (m, n)) if m == 'builtins' else (m, n)
    try:
        obj = importlib.import_module(mm)
        for part in nn.split('.'):
            obj = getattr(obj, part)
    except ImportError:
        out.append([m, n, 'unavailable']); continue
    except AttributeError:
        out.append([m, n, 'missing']); continue
    got = 'class' if isinstance(obj, type) else 'function' if callable(obj) else 'constant'
    out.append([m, n, got])
print(json.dumps(out))
`;

describe('reviewed allowlist', () => {
  it('lists exact names only, each with a recorded reason, and nothing the denylist would call an execution primitive', () => {
    const seen = new Set<string>();
    for (const c of ALLOWED_CALLABLES) {
      const full = `${c.module}.${c.name}`;
      expect({ full, ok: /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*$/.test(c.module) && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/.test(c.name) && (!c.name.includes('.') || c.kind === 'function') }).toEqual({ full, ok: true });
      expect({ full, reason: c.reason.length >= 20 }).toEqual({ full, reason: true });
      expect(seen.has(full)).toBe(false);
      seen.add(full);
      // A name the denylist flags as an execution or I/O primitive through any module must never be allowed.
      // (A name equal to a module's, like uuid.UUID, is fine: that rule is about dotted traversal.)
      const reason = dangerOf('x', c.name)?.reason ?? '';
      expect({ full, primitive: /primitive|traversal through/.test(reason) }).toEqual({ full, primitive: false });
      expect(classifyCallable(c.module, c.name, {}).kind).toBe('safe');
    }
  });

  it('allows no prefix, sibling or dotted spelling of an allowed name', () => {
    expect(isBuiltinSafe('sklearn.utils._testing', 'assert_run_python_script_without_output')).toBe(false);
    expect(isBuiltinSafe('sklearn.tree._classes', 'DecisionTreeClassifier.__init__')).toBe(false);
    expect(isBuiltinSafe('sklearn.tree', 'DecisionTreeClassifier')).toBe(false); // re-export path: not reviewed
    expect(isBuiltinSafe('numpy', 'load')).toBe(false);
    expect(classifyCallable('sklearn.datasets._california_housing', 'fetch_california_housing', {}).kind).toBe('dangerous');
  });

  it('resolves every name importable here to the kind the list claims', () => {
    const query = ALLOWED_CALLABLES.map((c) => [c.module, c.name, c.kind]);
    const got = JSON.parse(execFileSync('python3', ['-c', RESOLVE], { input: JSON.stringify(query) }).toString()) as [string, string, string][];
    const wrong: string[] = [];
    let resolved = 0;
    got.forEach(([m, n, kind], i) => {
      if (kind === 'unavailable') return;
      resolved++;
      if (kind !== ALLOWED_CALLABLES[i].kind) wrong.push(`${m}.${n}: list says ${ALLOWED_CALLABLES[i].kind}, python says ${kind}`);
    });
    expect(wrong).toEqual([]);
    // numpy, scipy and the stdlib are installed on the test machine: a good part of the list is really checked.
    expect(resolved).toBeGreaterThan(60);
  });
});
