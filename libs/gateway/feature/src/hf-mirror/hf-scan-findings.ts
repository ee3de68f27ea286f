import { Query, type ScanReportV1 } from '@modelguard/contracts';
import { Injectable } from '@nestjs/common';
import { ClientError } from '../domain/client-error';
import { InternalQueriesService } from '../proxy/internal-queries.service';

const RANK = { CRITICAL: 0, ERROR: 1, WARNING: 2, INFO: 3 } as const;
const MAX_NAMED = 3;

/** The worst findings of a report as one line: `pytorch_model.bin: CRITICAL pickle calls os.system; …`. */
export function worstFindings(report: ScanReportV1): string {
  const all = report.files.flatMap((f) => f.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'ERROR').map((x) => ({ path: f.path, ...x })));
  all.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const named = all.slice(0, MAX_NAMED).map((x) => `${x.path}: ${x.severity} ${x.ruleId}: ${x.message}`.slice(0, 200));
  const more = all.length > MAX_NAMED ? `; and ${all.length - MAX_NAMED} more` : '';
  return named.join('; ') + more;
}

/**
 * Puts the scan findings into a scan-gate refusal, so the Hub client's error says what was found ("blocked by scan
 * finding …"), not only that a report exists. Best effort: without the scan service's answer the refusal stays as
 * the gate worded it.
 */
@Injectable()
export class HfScanFindings {
  constructor(private readonly internal: InternalQueriesService) {}

  async explain(error: unknown, artifactId: string, version: string): Promise<unknown> {
    if (!(error instanceof ClientError) || error.reason !== 'scan-gate') return error;
    try {
      const report = await this.internal.query(Query.ScanReport, { id: artifactId, version }, 'the scan service');
      if (report.status !== 200 || !('files' in report.body)) return error;
      const findings = worstFindings(report.body);
      if (findings === '') return error;
      return new ClientError(error.status, `${error.message}; blocked by scan finding ${findings}`, error.headers, error.details, error.reason);
    } catch {
      return error;
    }
  }
}
