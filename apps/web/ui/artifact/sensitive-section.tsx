import { formatBytes, formatDate } from '../format';

/** GET /artifacts/model/{id}/sensitive (the extension spec's SensitivityState). */
export interface Sensitivity {
  artifact_id: string;
  sensitive: boolean;
  marked_by: string | null;
  program: { sha256: string; size: number; attached_by: string | null; updated_at: string } | null;
}
/** One row of GET /artifacts/model/{id}/download-history (owner or admin only). */
export interface SensitiveDownload {
  user: string;
  date: string;
  version: string;
  part: string;
  allowed: boolean;
  verdict: string;
  exit_code: number | null;
  duration_ms: number | null;
  stdout: string | null;
}

/**
 * A sensitive model's monitor program and who downloaded it with which verdict. Not shown for a model that is not
 * sensitive; the history table only when the API lets this user read it (owner or admin).
 */
export function SensitiveSection({ id, state, history }: { id: string; state?: Sensitivity; history?: SensitiveDownload[] }) {
  if (!state?.sensitive) return null;
  return (
    <section aria-labelledby="sensitive-title">
      <h2 id="sensitive-title">Sensitive model</h2>
      <dl className="pairs">
        <dt>Marked by</dt>
        <dd>{state.marked_by ?? 'unknown'}</dd>
        <dt>Monitor program</dt>
        <dd>
          {state.program ? (
            <>
              <a href={`/artifacts/model/${encodeURIComponent(id)}/monitor`} download={`${id}-monitor.js`}>
                monitor.js
              </a>{' '}
              ({formatBytes(state.program.size)}, SHA-256 <code>{state.program.sha256.slice(0, 16)}…</code>, attached by {state.program.attached_by ?? 'unknown'} on{' '}
              {formatDate(state.program.updated_at)})
            </>
          ) : (
            'none: every download is allowed and recorded'
          )}
        </dd>
      </dl>
      {history && (
        <>
          <h3 id="sensitive-history-title">Download history</h3>
          {history.length === 0 ? (
            <p>Nobody has downloaded this model yet.</p>
          ) : (
            <table aria-labelledby="sensitive-history-title">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">User</th>
                  <th scope="col">Version / part</th>
                  <th scope="col">Result</th>
                  <th scope="col">Monitor output</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h, i) => (
                  <tr key={i}>
                    <td>{formatDate(h.date)}</td>
                    <td>{h.user}</td>
                    <td>
                      {h.version} / {h.part}
                    </td>
                    <td>
                      {h.allowed ? 'allowed' : 'refused'} ({h.verdict}
                      {h.exit_code === null ? '' : `, exit ${h.exit_code}`}
                      {h.duration_ms === null ? '' : `, ${h.duration_ms} ms`})
                    </td>
                    <td>{h.stdout ? <code>{h.stdout.slice(0, 200)}</code> : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
