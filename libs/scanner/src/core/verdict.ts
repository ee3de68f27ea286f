import { SEVERITY_ORDER, type Finding, type FileReport, type Severity, type Verdict } from './types';

/**
 * A real threat outranks "could not read": a file with a dangerous import before a parse error is malicious.
 * Otherwise anything unreadable is unscannable, which blocks like malicious and is never
 * reported clean. Warnings are suspicious, or malicious in strict mode.
 */
export function computeVerdict(findings: readonly Finding[], strict: boolean): Verdict {
  let unscannable = false;
  let warning = false;
  for (const f of findings) {
    if (f.unscannable) unscannable = true;
    else if (SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER.ERROR) return 'malicious';
    else if (f.severity === 'WARNING') warning = true;
  }
  if (unscannable) return 'unscannable';
  if (warning) return strict ? 'malicious' : 'suspicious';
  return 'clean';
}

const VERDICT_RANK: Record<Verdict, number> = { clean: 0, suspicious: 1, unscannable: 2, malicious: 3 };

/** The worst verdict across files. */
export function worstVerdict(files: readonly Pick<FileReport, 'verdict'>[]): Verdict {
  return files.reduce<Verdict>((acc, f) => (VERDICT_RANK[f.verdict] > VERDICT_RANK[acc] ? f.verdict : acc), 'clean');
}

export function summarize(files: readonly FileReport[]): Record<Severity, number> {
  const out: Record<Severity, number> = { INFO: 0, WARNING: 0, ERROR: 0, CRITICAL: 0 };
  for (const file of files) for (const f of file.findings) out[f.severity]++;
  return out;
}
