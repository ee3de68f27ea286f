import type { ScanReport, Severity, Verdict } from '../core/types';
import { describeRule } from './rule-catalog';

const SEV_CLASS: Record<Severity, string> = { INFO: 'info', WARNING: 'warn', ERROR: 'err', CRITICAL: 'crit' };
const VERDICT_CLASS: Record<Verdict, string> = { clean: 'ok', suspicious: 'warn', unscannable: 'err', malicious: 'crit' };

/**
 * Self-contained HTML (inline CSS, no scripts or external assets). Every value is escaped; severity is shown
 * as text and colour so it does not depend on colour vision.
 */
export function renderHtml(report: ScanReport): string {
  const rows = report.files
    .flatMap((f) =>
      f.findings.length === 0
        ? [`<tr><td>${esc(f.path)}</td><td><span class="b ${VERDICT_CLASS[f.verdict]}">${esc(f.verdict)}</span></td><td>—</td><td>—</td><td>No findings</td></tr>`]
        : f.findings.map(
            (x) =>
              `<tr><td>${esc(x.location.file)}${x.location.offset !== undefined ? ` <small>@${x.location.offset}</small>` : ''}</td><td><span class="b ${VERDICT_CLASS[f.verdict]}">${esc(f.verdict)}</span></td><td><span class="b ${SEV_CLASS[x.severity]}">${esc(x.severity)}</span></td><td><code>${esc(x.ruleId)}</code><br><small>${esc(describeRule(x.ruleId))}</small></td><td>${esc(x.message)}</td></tr>`,
          ),
    )
    .join('\n');
  const s = report.summary;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ModelGuard scan report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a;background:#fff}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;vertical-align:top}
th{background:#eee}code{font-size:.9em}.b{display:inline-block;padding:.1rem .4rem;border-radius:.3rem;font-weight:600;border:1px solid #333}
.ok{background:#d9f2d9}.info{background:#dbeafe}.warn{background:#fff3c4}.err{background:#fbd5d5}.crit{background:#7f1d1d;color:#fff}
</style>
</head>
<body>
<main>
<h1>ModelGuard scan report</h1>
<p>Overall verdict: <span class="b ${VERDICT_CLASS[report.verdict]}">${esc(report.verdict)}</span></p>
<h2>Summary</h2>
<ul>
<li>Files scanned: ${report.files.length}</li>
<li>Critical: ${s.CRITICAL}, error: ${s.ERROR}, warning: ${s.WARNING}, info: ${s.INFO}</li>
<li>Scanner: ${esc(report.tool.name)} ${esc(report.tool.version)}; started ${esc(report.startedAt)}, finished ${esc(report.finishedAt)}</li>
</ul>
<h2>Findings</h2>
<table>
<caption>Findings per file</caption>
<thead><tr><th scope="col">Location</th><th scope="col">File verdict</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}

function esc(s: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return s.replace(/[&<>"']/g, (c) => map[c] ?? c);
}
