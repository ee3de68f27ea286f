import type { ScanState } from '../api/types';

const VERDICT_TEXT: Record<string, string> = {
  clean: 'Clean',
  flagged: 'Flagged',
  blocked: 'Blocked',
  pending: 'Scanning',
  malicious: 'Malicious',
  suspicious: 'Suspicious',
};

/** Scan verdict as text plus colour (never colour alone). */
export function VerdictBadge({ verdict }: { verdict: ScanState | string | undefined }) {
  if (verdict === undefined) return null;
  return <span className={`badge badge-${verdict}`}>{VERDICT_TEXT[verdict] ?? verdict}</span>;
}

/** A 0..1 score as a labelled meter with its number. */
export function ScoreBar({ label, value, title }: { label: string; value: number; title?: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="score" title={title}>
      <span className="score-label">{label}</span>
      <span className="score-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={1} aria-valuenow={value} aria-valuetext={`${value.toFixed(2)}${title ? `, ${title}` : ''}`}>
        <span className="score-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="score-value">{value.toFixed(2)}</span>
    </div>
  );
}
