import { formatBytes } from '../format';

export interface WorkloadResults {
  requests: number;
  downloads: number;
  error_count: number;
  errors: Record<string, number>;
  bytes: number;
  wall_seconds: number | null;
  throughput_mib_per_s: number | null;
  latency_ms: { mean: number | null; median: number | null; p99: number | null; max: number | null };
  series: Array<{ second: number; downloads: number; bytes: number; mib_per_s: number | null }>;
}

const fmt = (n: number | null, digits = 1, unit = ''): string => (n === null ? 'n/a' : `${n.toFixed(digits)}${unit}`);

/** The figures of a finished run as text, then the two charts (each with its own text alternative). */
export function WorkloadResultsView({ results }: { results: WorkloadResults }) {
  const errors = Object.entries(results.errors);
  return (
    <div data-testid="workload-results">
      <h3>Results</h3>
      <dl className="pairs">
        <div><dt>Requests</dt><dd>{results.requests}</dd></div>
        <div><dt>Successful downloads</dt><dd>{results.downloads}</dd></div>
        <div><dt>Errors</dt><dd>{errors.length === 0 ? 'none' : errors.map(([kind, n]) => `${n} × ${kind}`).join(', ')}</dd></div>
        <div><dt>Bytes received</dt><dd>{formatBytes(results.bytes)}</dd></div>
        <div><dt>Wall time</dt><dd>{fmt(results.wall_seconds, 2, ' s')}</dd></div>
        <div><dt>Aggregate throughput</dt><dd data-testid="workload-throughput">{fmt(results.throughput_mib_per_s, 1, ' MiB/s')}</dd></div>
        <div><dt>Latency mean / median / p99</dt><dd>{fmt(results.latency_ms.mean, 0)} / {fmt(results.latency_ms.median, 0)} / {fmt(results.latency_ms.p99, 0)} ms</dd></div>
      </dl>
      <ThroughputChart series={results.series} />
      <LatencyBars latency={results.latency_ms} />
    </div>
  );
}

const W = 560;
const H = 180;
const PAD = { left: 48, right: 8, top: 10, bottom: 28 };

/** MiB/s received in each second of the run, as bars; the same numbers follow in a table for screen readers. */
function ThroughputChart({ series }: { series: WorkloadResults['series'] }) {
  const values = series.map((b) => b.mib_per_s ?? 0);
  const max = Math.max(1, ...values);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const barW = series.length > 0 ? plotW / series.length : plotW;
  const peak = Math.max(0, ...values);
  const summary =
    series.length === 0
      ? 'Throughput over time: no download completed.'
      : `Throughput over time: ${series.length} second${series.length === 1 ? '' : 's'}, peak ${peak.toFixed(1)} MiB/s, lowest ${Math.min(...values).toFixed(1)} MiB/s.`;
  return (
    <figure className="chart">
      <figcaption id="throughput-caption">Throughput per second (MiB/s)</figcaption>
      <svg width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} data-testid="throughput-chart">
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
        <line className="axis" x1={PAD.left} y1={PAD.top + plotH} x2={W - PAD.right} y2={PAD.top + plotH} />
        <text className="tick" x={PAD.left - 6} y={PAD.top + 10} textAnchor="end">{max.toFixed(0)}</text>
        <text className="tick" x={PAD.left - 6} y={PAD.top + plotH} textAnchor="end">0</text>
        <text className="tick" x={PAD.left + plotW / 2} y={H - 6} textAnchor="middle">second of the run</text>
        {series.map((b, i) => {
          const h = ((b.mib_per_s ?? 0) / max) * plotH;
          return <rect key={b.second} className="bar" x={PAD.left + i * barW + 1} y={PAD.top + plotH - h} width={Math.max(1, barW - 2)} height={h} />;
        })}
      </svg>
      <details>
        <summary>Throughput per second as a table</summary>
        <table aria-labelledby="throughput-caption">
          <thead>
            <tr><th scope="col">Second</th><th scope="col">Downloads completed</th><th scope="col">MiB/s</th></tr>
          </thead>
          <tbody>
            {series.map((b) => (
              <tr key={b.second}><td>{b.second}</td><td>{b.downloads}</td><td>{fmt(b.mib_per_s)}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Mean, median, p99 and max latency as horizontal bars, each labelled with its value (the text is the alternative). */
function LatencyBars({ latency }: { latency: WorkloadResults['latency_ms'] }) {
  const rows: Array<[string, number | null]> = [['mean', latency.mean], ['median', latency.median], ['p99', latency.p99], ['max', latency.max]];
  const max = Math.max(1, ...rows.map(([, v]) => v ?? 0));
  const rowH = 28;
  const labelW = 70;
  const valueW = 90;
  const plotW = W - labelW - valueW;
  const summary = `Download latency: ${rows.map(([k, v]) => `${k} ${fmt(v, 0, ' ms')}`).join(', ')}.`;
  return (
    <figure className="chart">
      <figcaption>Download latency (ms)</figcaption>
      <svg width="100%" viewBox={`0 0 ${W} ${rows.length * rowH + 8}`} role="img" aria-label={summary} data-testid="latency-chart">
        {rows.map(([k, v], i) => (
          <g key={k} transform={`translate(0 ${i * rowH + 4})`}>
            <text className="tick" x={labelW - 8} y={rowH / 2 + 4} textAnchor="end">{k}</text>
            <rect className="bar" x={labelW} y={4} width={Math.max(1, ((v ?? 0) / max) * plotW)} height={rowH - 10} />
            <text className="tick" x={labelW + Math.max(1, ((v ?? 0) / max) * plotW) + 6} y={rowH / 2 + 4}>{fmt(v, 0, ' ms')}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
