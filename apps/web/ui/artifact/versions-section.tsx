import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { ArtifactVersion } from '../api/types';
import { VerdictBadge } from '../components/badges';
import { Field } from '../components/field';
import { formatBytes, formatDate } from '../format';
import { useSession } from '../session-context';
import { OverrideDialog } from './override-dialog';

/** Versions with their states, a version query (exact, range, ~, ^), and the admin override of a scan verdict. */
export function VersionsSection({ base, versions, onChanged }: { base: string; versions: ArtifactVersion[]; onChanged: () => void }) {
  const { claims } = useSession();
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState<ArtifactVersion[]>();
  const [queryError, setQueryError] = useState<string>();
  const [overriding, setOverriding] = useState<ArtifactVersion>();

  const filter = async (event: FormEvent) => {
    event.preventDefault();
    setQueryError(undefined);
    if (query.trim() === '') return setShown(undefined);
    try {
      setShown((await api<ArtifactVersion[]>('GET', `${base}/versions?query=${encodeURIComponent(query.trim())}`)).body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) setQueryError(error.message);
      else setQueryError(error instanceof Error ? error.message : String(error));
    }
  };
  const list = shown ?? versions;
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <form className="inline-form" onSubmit={(e) => void filter(e)} noValidate aria-label="Filter versions">
        <Field id="version-query" label="Version query" hint="1.2.3, 1.2.3-2.1.0, ~1.2.0 or ^1.2.0" value={query} onChange={(e) => setQuery(e.target.value)} error={queryError} />
        <button type="submit">Filter</button>
      </form>
      {list.length === 0 ? (
        <p role="status">No version matches.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Stored</th>
              <th scope="col">Scan</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
              {claims?.isAdmin && <th scope="col">Admin</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.version_key}>
                <th scope="row">{v.version}</th>
                <td>{v.ingest_state}</td>
                <td>
                  <VerdictBadge verdict={v.scan_state} />
                  {v.override_by ? ` (released by ${v.override_by})` : ''}
                  {v.scan_reason ? <span className="reason"> {v.scan_reason}</span> : null}
                </td>
                <td>{v.file_count}</td>
                <td>{formatBytes(v.total_bytes)}</td>
                <td>{formatDate(v.created_at)}</td>
                {claims?.isAdmin && (
                  <td>
                    {(v.scan_state === 'blocked' || v.scan_state === 'flagged') && !v.override_by && (
                      <button type="button" onClick={() => setOverriding(v)}>
                        Release {v.version}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {overriding && (
        <OverrideDialog
          base={base}
          version={overriding}
          onClose={() => setOverriding(undefined)}
          onDone={() => {
            setOverriding(undefined);
            onChanged();
          }}
        />
      )}
    </section>
  );
}
