import type { Finding, ScanReport, Severity } from '../core/types';
import { describeRule } from './rule-catalog';

const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = { INFO: 'note', WARNING: 'warning', ERROR: 'error', CRITICAL: 'error' };
const SECURITY_SEVERITY: Record<Severity, string> = { INFO: '1.0', WARNING: '5.0', ERROR: '8.0', CRITICAL: '9.5' };

/** SARIF 2.1.0 log: one run, rules for every rule id used, one result per finding. */
export function renderSarif(report: ScanReport): Record<string, unknown> {
  const findings: Finding[] = report.files.flatMap((f) => f.findings);
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            informationUri: 'https://github.com/modelguard/modelguard',
            rules: ruleIds.map((id) => ({ id, name: id, shortDescription: { text: describeRule(id) } })),
          },
        },
        invocations: [{ executionSuccessful: true, startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIds.indexOf(f.ruleId),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(f.location.file) },
                ...(f.location.offset !== undefined ? { region: { byteOffset: Math.max(0, f.location.offset) } } : {}),
              },
            },
          ],
          properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], ...(f.unscannable ? { unscannable: true } : {}) },
        })),
      },
    ],
  };
}

/** Relative URI for the outer file; archive members keep their `!/` path as a URI fragment-safe string. */
function toUri(file: string): string {
  return file
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%21/g, '!'))
    .join('/');
}
