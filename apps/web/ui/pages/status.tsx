import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { formatDate } from '../format';
import { useSession } from '../session-context';
import { RecentLogsSection } from './status-logs';
import { PerformanceWorkloadSection } from './status-workload';

interface Component {
  id: string;
  display_name?: string;
  status: string;
  observed_at: string;
  description?: string;
  metrics?: Record<string, unknown>;
  issues?: Array<{ code: string; severity: string; summary: string }>;
  timeline?: Array<{ bucket: string; value: number; unit?: string }>;
}
interface Components {
  components: Component[];
  generated_at: string;
  window_minutes?: number;
}

const REFRESH_MS = 10_000;

/** GET /health/components over the last hour, refreshed every 10 s (semi-live); only what the API reports. */
export default function StatusPage() {
  const [data, setData] = useState<Components>();
  const [failure, setFailure] = useState<unknown>();
  const { claims } = useSession();
  useEffect(() => {
    let live = true;
    const load = () =>
      api<Components>('GET', '/health/components?windowMinutes=60&includeTimeline=true')
        .then((r) => live && (setData(r.body), setFailure(undefined)))
        .catch((e: unknown) => live && setFailure(e));
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return (
    <>
      <h1>Health of the registry</h1>
      <ErrorBox error={failure} title="Could not read the health report" />
      {data && (
        <>
          <p>
            Last hour, as of {formatDate(data.generated_at)} (refreshed every {REFRESH_MS / 1000} s).
          </p>
          <div className="components">
            {data.components.map((c) => (
              <section key={c.id} className={`component status-${c.status}`} aria-labelledby={`component-${c.id}`}>
                <h2 id={`component-${c.id}`}>
                  {c.display_name ?? c.id}: <span className="status-word">{c.status}</span>
                </h2>
                {c.description && <p>{c.description}</p>}
                {c.metrics && Object.keys(c.metrics).length > 0 && (
                  <dl className="pairs">
                    {Object.entries(c.metrics).map(([k, v]) => (
                      <div key={k}>
                        <dt>{k}</dt>
                        <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
                {c.issues && c.issues.length > 0 && (
                  <ul aria-label={`Issues of ${c.display_name ?? c.id}`}>
                    {c.issues.map((i) => (
                      <li key={i.code}>
                        {i.severity}: {i.summary}
                      </li>
                    ))}
                  </ul>
                )}
                {c.timeline && c.timeline.length > 0 && <Sparkline label={`${c.display_name ?? c.id} over the last hour`} points={c.timeline} />}
              </section>
            ))}
          </div>
        </>
      )}
      {claims?.isAdmin && <PerformanceWorkloadSection />}
      {claims?.isAdmin && <RecentLogsSection />}
    </>
  );
}

function Sparkline({ label, points }: { label: string; points: Array<{ bucket: string; value: number; unit?: string }> }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const w = 240;
  const h = 48;
  const step = points.length > 1 ? w / (points.length - 1) : w;
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${(i * step).toFixed(1)} ${(h - (p.value / max) * (h - 4) - 2).toFixed(1)}`).join(' ');
  const last = points[points.length - 1]; // callers pass a non-empty timeline
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${label}: latest ${last.value}${last.unit ? ` ${last.unit}` : ''}, peak ${max}`}>
      <path d={d} />
    </svg>
  );
}
