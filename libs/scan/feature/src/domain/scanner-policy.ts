import { computeVerdict, type Finding } from '@modelguard/scanner';
import type { FileResult } from '../scanning/file-result';

/** The registry admin's scanner policy as the scan service applies it (registry.scanner-policy-changed.v1). */
export interface ScannerPolicy {
  /** 0: the default policy, nothing allowed beyond the scanner's own reviewed list. */
  version: number;
  /** Exact `module.name` imports an admin reviewed and allows. */
  allowedImports: readonly string[];
}

export const DEFAULT_SCANNER_POLICY: ScannerPolicy = { version: 0, allowedImports: [] };

/** The scanner's finding for an import on none of its lists (pickle-analyzer.ts): the only kind a policy can clear. */
const UNKNOWN_IMPORT_RULE = 'pickle.unknown-global';
export const ALLOWED_BY_POLICY_RULE = 'pickle.allowed-by-policy';

/**
 * Applies the policy to one package's scanner results: an "unknown import" finding whose callable the admin allowed
 * becomes an INFO finding `pickle.allowed-by-policy` naming the policy version (so the report says why the import
 * passed and under which policy), and the file's verdict is recomputed by the scanner's own rule. Only unknown
 * imports are touched: a dangerous import is a different finding and stays, whatever the list says (the gateway
 * refuses such entries too). The per-blob cache keeps the scanner's raw results, so a policy change applies to
 * cached files as well without rescanning them.
 */
export function applyScannerPolicy(files: readonly FileResult[], policy: ScannerPolicy, strict: boolean): FileResult[] {
  if (policy.allowedImports.length === 0) return [...files];
  const allowed = new Set(policy.allowedImports);
  return files.map((file) => {
    let changed = false;
    const findings = file.findings.map((finding): Finding => {
      const callable = finding.details?.['callable'];
      if (finding.ruleId !== UNKNOWN_IMPORT_RULE || typeof callable !== 'string' || !allowed.has(callable)) return finding;
      changed = true;
      return {
        ruleId: ALLOWED_BY_POLICY_RULE,
        severity: 'INFO',
        message: `import ${callable} is allowed by the registry's scanner policy v${policy.version} (reviewed by an admin)`,
        location: finding.location,
        details: { callable, policyVersion: policy.version },
      };
    });
    if (!changed) return file;
    // Unscannable results stay unscannable: computeVerdict ranks "could not read" above a cleared import.
    return { ...file, findings, verdict: computeVerdict(findings, strict) };
  });
}
