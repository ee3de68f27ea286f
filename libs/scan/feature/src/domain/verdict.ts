import { emptyFindingCounts, type FindingCounts, type ScanVerdict } from '@modelguard/domain';
import type { Severity, Verdict } from '@modelguard/scanner';

export type { FindingCounts };

/**
 * How bad a scanner verdict is. `unscannable` ranks with `malicious`: a file we could not read is
 * never allowed to make a package look clean, so both end up blocking the download.
 */
const VERDICT_RANK: Record<Verdict, number> = { clean: 0, suspicious: 1, unscannable: 2, malicious: 3 };

/** The worst verdict over all files; an empty package (metadata only) is clean. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'clean';
  for (const verdict of verdicts) {
    if (VERDICT_RANK[verdict] > VERDICT_RANK[worst]) worst = verdict;
  }
  return worst;
}

/** The file-level scanner verdict as the registry's verdict, which gates downloads (see the domain's ScanVerdict). */
export function toRegistryVerdict(verdict: Verdict): ScanVerdict {
  switch (verdict) {
    case 'clean':
      return 'clean';
    case 'suspicious':
      return 'flagged';
    case 'malicious':
    case 'unscannable':
      return 'blocked';
  }
}

const SEVERITY_KEY: Record<Severity, keyof FindingCounts> = {
  INFO: 'info',
  WARNING: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
};

export const emptyCounts = emptyFindingCounts;

/** Count findings per severity. Unknown severities (a misbehaving plugin) count as critical, never vanish. */
export function countFindings(findings: Iterable<{ severity: string }>, into: FindingCounts = emptyCounts()): FindingCounts {
  for (const finding of findings) {
    const key = SEVERITY_KEY[finding.severity as Severity] ?? 'critical';
    into[key] += 1;
  }
  return into;
}
