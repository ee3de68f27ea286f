import type { Finding } from '@modelguard/scanner';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../scanning/file-result';
import { ALLOWED_BY_POLICY_RULE, applyScannerPolicy, DEFAULT_SCANNER_POLICY } from './scanner-policy';

const unknownImport = (callable: string): Finding => ({
  ruleId: 'pickle.unknown-global',
  severity: 'ERROR',
  message: `unknown import ${callable} (GLOBAL)`,
  location: { file: 'model.pkl', offset: 2 },
  details: { callable, review: 'allowCallables' },
});

const file = (findings: Finding[], verdict: FileResult['verdict'] = 'malicious'): FileResult => ({
  path: 'model.pkl', sha256: 'a'.repeat(64), size: 10, format: 'pickle', verdict, findings, durationMs: 1, cached: false,
});

describe('applyScannerPolicy', () => {
  const policy = { version: 3, allowedImports: ['mylib.layers.Dense'] };

  it('turns an allowed unknown import into an INFO finding naming the policy version, and the file clean', () => {
    const [out] = applyScannerPolicy([file([unknownImport('mylib.layers.Dense')])], policy, false);
    expect(out.verdict).toBe('clean');
    expect(out.findings).toEqual([
      expect.objectContaining({ ruleId: ALLOWED_BY_POLICY_RULE, severity: 'INFO', details: { callable: 'mylib.layers.Dense', policyVersion: 3 }, location: { file: 'model.pkl', offset: 2 } }),
    ]);
    expect(out.findings[0].message).toContain('policy v3');
  });

  it('leaves other unknown imports, dangerous imports and the default policy alone', () => {
    const other = file([unknownImport('mylib.layers.Dense'), unknownImport('mylib.layers.Conv')]);
    const [partly] = applyScannerPolicy([other], policy, false);
    expect(partly.verdict).toBe('malicious');
    expect(partly.findings.map((f) => f.ruleId)).toEqual([ALLOWED_BY_POLICY_RULE, 'pickle.unknown-global']);

    const dangerous: Finding = { ruleId: 'pickle.dangerous-global', severity: 'CRITICAL', message: 'os.system', location: { file: 'model.pkl' }, details: { callable: 'mylib.layers.Dense' } };
    expect(applyScannerPolicy([file([dangerous])], policy, false)[0]).toEqual(file([dangerous]));

    const untouched = file([unknownImport('mylib.layers.Dense')]);
    expect(applyScannerPolicy([untouched], DEFAULT_SCANNER_POLICY, false)[0]).toBe(untouched);
  });

  it('keeps an unreadable file unscannable and a warning flagged, as the scanner would', () => {
    const malformed: Finding = { ruleId: 'pickle.malformed', severity: 'ERROR', message: 'truncated', location: { file: 'model.pkl' }, unscannable: true };
    expect(applyScannerPolicy([file([unknownImport('mylib.layers.Dense'), malformed])], policy, false)[0].verdict).toBe('unscannable');
    const warning: Finding = { ruleId: 'pickle.frame-mismatch', severity: 'WARNING', message: 'frame', location: { file: 'model.pkl' } };
    expect(applyScannerPolicy([file([unknownImport('mylib.layers.Dense'), warning])], policy, false)[0].verdict).toBe('suspicious');
    expect(applyScannerPolicy([file([unknownImport('mylib.layers.Dense'), warning])], policy, true)[0].verdict).toBe('malicious');
  });
});
