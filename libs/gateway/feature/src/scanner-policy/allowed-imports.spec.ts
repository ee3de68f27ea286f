import { SCANNER_POLICY_MAX_IMPORTS } from '@modelguard/contracts';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { dangerOfImport, parseAllowedImports } from './allowed-imports';

const refusal = (body: unknown): ClientError => {
  try {
    parseAllowedImports(body);
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('scanner policy allow-list validation', () => {
  it('accepts exact module.name imports, sorted and deduplicated', () => {
    expect(parseAllowedImports({ allowed_imports: ['mylib.layers.Dense', 'collections.OrderedDict', 'mylib.layers.Dense', '__main__.TinyNet'] })).toEqual([
      '__main__.TinyNet',
      'collections.OrderedDict',
      'mylib.layers.Dense',
    ]);
    expect(parseAllowedImports({ allowed_imports: [] })).toEqual([]);
  });

  it.each(['os.system', 'builtins.eval', 'builtins.exec', 'builtins.getattr', 'subprocess.Popen', 'subprocess.anything', 'posix.system', 'torch.load', 'pickle.loads', 'mylib.helpers.check_output', 'numpy.__builtins__', 'mylib.os.system'])(
    'refuses %s, which the scanner treats as dangerous, with 400 naming it (audited as hostile input)',
    (entry) => {
      const error = refusal({ allowed_imports: ['mylib.layers.Dense', entry] });
      expect(error.status).toBe(400);
      expect(error.message).toContain(JSON.stringify(entry));
      expect(error.message).toContain('dangerous');
      expect(error.reason).toBe('hostile-input');
      expect(dangerOfImport(entry)).toBeDefined();
    },
  );

  it.each(['*', 'builtins.*', 'mylib.*', 'mylib.layers.*'])('refuses the wildcard %s', (entry) => {
    const error = refusal({ allowed_imports: [entry] });
    expect(error.status).toBe(400);
    expect(error.message).toContain('wildcard');
  });

  it.each(['Dense', 'mylib.', '.Dense', 'mylib..Dense', 'my-lib.Dense', 'mylib.1Dense', 'mylib.Dense ', 'mylib.Dénse', `mylib.${'a'.repeat(200)}`, ''])(
    'refuses %j, which is not an exact identifier path',
    (entry) => {
      expect(refusal({ allowed_imports: [entry] }).status).toBe(400);
    },
  );

  it('refuses malformed bodies and lists over the bound', () => {
    for (const body of [null, [], 'x', { allowed_imports: 'mylib.Dense' }, { allowed_imports: [1] }, { allowed_imports: [], extra: true }, {}]) {
      expect(refusal(body).status).toBe(400);
    }
    const many = Array.from({ length: SCANNER_POLICY_MAX_IMPORTS + 1 }, (_, i) => `mylib.C${i}`);
    expect(refusal({ allowed_imports: many }).message).toContain(`at most ${SCANNER_POLICY_MAX_IMPORTS}`);
    expect(parseAllowedImports({ allowed_imports: many.slice(1) })).toHaveLength(SCANNER_POLICY_MAX_IMPORTS);
  });
});
