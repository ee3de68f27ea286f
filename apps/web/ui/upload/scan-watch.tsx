import { useEffect, useId, useState } from 'react';
import { api } from '../api/client';
import type { ArtifactVersion } from '../api/types';
import { VerdictBadge } from '../components/badges';
import { Link } from '../components/link';

const POLL_MS = 1000;
const isSettled = (v: ArtifactVersion | undefined) =>
  v !== undefined && v.ingest_state !== 'ingesting' && v.scan_state !== 'pending' && v.rating_state !== 'pending';

/** Follows a new version (ingest → rating gate → scan) by polling its versions list until the verdict is in. */
export function ScanWatch({ type, id, name }: { type: string; id: string; name: string }) {
  const [version, setVersion] = useState<ArtifactVersion>();
  const [problem, setProblem] = useState<string>();
  const titleId = useId();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const versions = (await api<ArtifactVersion[]>('GET', `/artifacts/${type}/${encodeURIComponent(id)}/versions`)).body;
        if (!live) return;
        const latest = versions.at(-1);
        setVersion(latest);
        setProblem(undefined);
        if (isSettled(latest) || latest?.ingest_state === 'failed' || latest?.rating_state === 'rejected') return;
      } catch (error) {
        if (!live) return;
        setProblem(error instanceof Error ? error.message : String(error));
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [type, id]);

  const steps: Array<[string, string]> = version
    ? [
        ['Stored', version.ingest_state === 'stored' ? 'done' : version.ingest_state],
        ...(version.rating_state ? ([['Rating gate', version.rating_state]] as Array<[string, string]>) : []),
        ['Security scan', version.scan_state],
      ]
    : [];
  return (
    <section aria-labelledby={titleId} className="watch">
      <h2 id={titleId}>Status of {name}</h2>
      <div role="status" aria-live="polite" data-testid="scan-status">
        {!version && <p>Waiting for the registry…</p>}
        {version && (
          <ol className="steps">
            {steps.map(([label, state]) => (
              <li key={label}>
                {label}: {['clean', 'flagged', 'blocked', 'pending'].includes(state) ? <VerdictBadge verdict={state} /> : <strong>{state}</strong>}
              </li>
            ))}
          </ol>
        )}
        {version?.scan_state === 'blocked' && <p className="refused">Refused: the scan blocked this package{version.scan_reason ? ` (${version.scan_reason})` : ''}. It cannot be downloaded.</p>}
        {version?.rating_state === 'rejected' && <p className="refused">Refused by the rating gate: {version.rating_reason}</p>}
        {version?.ingest_state === 'failed' && <p className="refused">The registry could not store this version.</p>}
        {isSettled(version) && version?.scan_state !== 'blocked' && <p>Ready: the package passed its checks.</p>}
      </div>
      {problem && <p className="field-error">Could not read the status ({problem}); still trying.</p>}
      <p>
        <Link href={`/view/${type}/${encodeURIComponent(id)}`}>Open the artifact page</Link>
      </p>
    </section>
  );
}
