import type { ScanReport, Severity, Verdict } from '../core/types';

const SEV_COLOR: Record<Severity, string> = { INFO: '36', WARNING: '33', ERROR: '31', CRITICAL: '1;31' };
const VERDICT_COLOR: Record<Verdict, string> = { clean: '32', suspicious: '33', unscannable: '35', malicious: '1;31' };

/** Human-readable report. Colour codes only when asked (TTY); the words carry the meaning either way. */
export function renderText(report: ScanReport, color: boolean): string {
  const c = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(`${c(VERDICT_COLOR[f.verdict], f.verdict.toUpperCase().padEnd(11))} ${f.path}  (${f.format}, ${f.size} bytes, ${f.durationMs} ms)`);
    for (const x of f.findings) {
      const where = x.location.offset !== undefined ? ` @${x.location.offset}` : '';
      const inner = x.location.file !== f.path ? ` [${x.location.file}]` : '';
      lines.push(`    ${c(SEV_COLOR[x.severity], x.severity.padEnd(8))} ${x.ruleId}: ${sanitize(x.message)}${inner}${where}`);
    }
  }
  const s = report.summary;
  lines.push('');
  lines.push(`${report.files.length} file(s): ${c(VERDICT_COLOR[report.verdict], report.verdict.toUpperCase())} — ${s.CRITICAL} critical, ${s.ERROR} error, ${s.WARNING} warning, ${s.INFO} info`);
  return `${lines.join('\n')}\n`;
}

/** Hostile names may carry terminal escape sequences: never echo control characters. */
function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
