import type { DetectedFormat, Finding, Verdict } from '@modelguard/scanner';

/** The stored outcome for one file of a package. */
export interface FileResult {
  path: string;
  sha256: string;
  size: number;
  format: DetectedFormat;
  verdict: Verdict;
  findings: Finding[];
  durationMs: number;
  /** True when the result came from the per-SHA-256 cache instead of a fresh scan. */
  cached: boolean;
}

/** What the cache keeps for a blob: everything that does not depend on where the file sits. */
export interface CachedFileScan {
  format: DetectedFormat;
  verdict: Verdict;
  findings: Finding[];
}

/**
 * Findings name the file they were found in (`path` or `path!/member`). Cached results were produced for
 * another package's path, so the prefix is rewritten to this package's path on reuse (and the scanner's
 * temp-file path is replaced by the display path after a spooled scan).
 */
export function relocateFindings(findings: Finding[], fromPath: string, toPath: string): Finding[] {
  return findings.map((finding) => {
    const file = finding.location.file;
    let relocated = toPath;
    if (file !== fromPath) {
      relocated = file.startsWith(`${fromPath}!/`) ? `${toPath}${file.slice(fromPath.length)}` : file;
    }
    return relocated === file ? finding : { ...finding, location: { ...finding.location, file: relocated } };
  });
}

/** A result for a file that never reached the scanner (integrity failure, oversized, …): always blocks. */
export function unscannableResult(path: string, sha256: string, size: number, ruleId: string, message: string): FileResult {
  return {
    path,
    sha256,
    size,
    format: 'unknown',
    verdict: 'unscannable',
    findings: [{ ruleId, severity: 'CRITICAL', message, location: { file: path } }],
    durationMs: 0,
    cached: false,
  };
}
