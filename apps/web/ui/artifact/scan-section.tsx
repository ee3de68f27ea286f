import type { ScanReport } from '../api/types';
import { VerdictBadge } from '../components/badges';
import { formatBytes } from '../format';

/** The latest scan report: the verdict, then each file and each finding (file, rule, severity, explanation). */
export function ScanSection({ report, pending }: { report: ScanReport | undefined; pending: string | undefined }) {
  return (
    <section aria-labelledby="scan-title">
      <h2 id="scan-title">Security scan</h2>
      {pending !== undefined && (
        <p role="status">
          <VerdictBadge verdict="pending" /> The version is {pending}; the report appears when the scan finishes.
        </p>
      )}
      {report && (
        <>
          <p>
            Verdict: <VerdictBadge verdict={report.verdict} />
          </p>
          <table className="findings">
            <caption>Files and findings</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Verdict</th>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
                <th scope="col">Explanation</th>
              </tr>
            </thead>
            <tbody>
              {report.files.flatMap((file) =>
                file.findings.length === 0
                  ? [
                      <tr key={file.path}>
                        <th scope="row">
                          {file.path}
                          {typeof file.size === 'number' ? ` (${formatBytes(file.size)})` : ''}
                        </th>
                        <td>
                          <VerdictBadge verdict={file.verdict} />
                        </td>
                        <td colSpan={3}>No findings</td>
                      </tr>,
                    ]
                  : file.findings.map((f, i) => (
                      <tr key={`${file.path}-${i}`}>
                        <th scope="row">{file.path}</th>
                        <td>
                          <VerdictBadge verdict={file.verdict} />
                        </td>
                        <td>
                          <code>{String(f['ruleId'] ?? f.rule ?? '–')}</code>
                        </td>
                        <td>
                          <span className={`severity severity-${f.severity.toLowerCase()}`}>{f.severity}</span>
                        </td>
                        <td>{f.message}</td>
                      </tr>
                    )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
