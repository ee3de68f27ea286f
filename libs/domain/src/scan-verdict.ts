/**
 * The registry's verdict on a scanned package version: `clean` downloads freely, `flagged` downloads with a warning,
 * `blocked` does not download unless an admin overrides it. A version that could not be scanned is `blocked` too:
 * an unreadable file must never make a package look clean.
 */
export const SCAN_VERDICTS = ['clean', 'flagged', 'blocked'] as const;
export type ScanVerdict = (typeof SCAN_VERDICTS)[number];

/** Where a version stands with respect to scanning: no verdict yet, or the verdict. */
export type ScanState = 'pending' | ScanVerdict;

/** Finding severities as counted in scan results, least to most severe. */
export const FINDING_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export type FindingCounts = Record<FindingSeverity, number>;

export function isScanVerdict(value: unknown): value is ScanVerdict {
  return (SCAN_VERDICTS as readonly unknown[]).includes(value);
}

export function emptyFindingCounts(): FindingCounts {
  return { info: 0, warning: 0, error: 0, critical: 0 };
}
