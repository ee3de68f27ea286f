import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { ReleaseAlias, ReleaseRequest } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { formatDate } from '../format';
import { useSession } from '../session-context';
import { mayApprove, mayRelease, rollbackTarget } from './release-actions';
import { ReleaseRequestForm } from './release-request-form';
import { RollbackDialog } from './rollback-dialog';

interface Releases {
  aliases: ReleaseAlias[];
  pending: ReleaseRequest[];
}

/** Aliases with their history, and the pending requests; undefined when the registry refuses this user (no section). */
async function loadReleases(base: string): Promise<Releases | undefined> {
  try {
    const [summaries, pending] = await Promise.all([api<ReleaseAlias[]>('GET', `${base}/aliases`), api<ReleaseRequest[]>('GET', `${base}/release-requests?state=pending`)]);
    // A model has a handful of aliases: one call each for its history.
    const aliases = await Promise.all(summaries.body.map(async (a) => (await api<ReleaseAlias>('GET', `${base}/aliases/${encodeURIComponent(a.alias)}`)).body));
    return { aliases, pending: pending.body };
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return undefined;
    throw error;
  }
}

/**
 * A model's release aliases (issue 17): where each points, pending promotion requests to decide, and every move;
 * uploaders and admins also request a release and roll an alias back (the gateway checks ownership).
 */
export function ReleasesSection({ base, versions }: { base: string; versions: string[] }) {
  const { claims } = useSession();
  const [data, setData] = useState<Releases>();
  const [failure, setFailure] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const [rollingBack, setRollingBack] = useState<{ alias: ReleaseAlias; target: string }>();

  useEffect(() => {
    let live = true;
    loadReleases(base)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setFailure(e));
    return () => {
      live = false;
    };
  }, [base, generation]);

  const decide = async (r: ReleaseRequest, action: 'approve' | 'reject') => {
    setFailure(undefined);
    setStatus(undefined);
    try {
      const { body } = await api<ReleaseRequest>('POST', `${base}/release-requests/${encodeURIComponent(r.id)}/${action}`);
      if (action === 'reject') setStatus(`Rejected the request to point ${r.alias} at ${r.version}.`);
      else if (body.state === 'applied') setStatus(`Approved: ${r.alias} now points at ${r.version}.`);
      else setStatus(`Approved: ${body.approvals.length} of ${body.approvals_required} approvals for ${r.alias} → ${r.version}.`);
      setGeneration((g) => g + 1);
    } catch (error) {
      setFailure(error);
    }
  };

  const requested = (r: ReleaseRequest) => {
    setFailure(undefined);
    setStatus(`Requested: ${r.alias} → ${r.version} waits for ${r.approvals_required} ${r.approvals_required === 1 ? 'approval' : 'approvals'}.`);
    setGeneration((g) => g + 1);
  };

  if (data === undefined) return failure ? <ErrorBox error={failure} title="Could not load the release aliases" /> : null;
  const moved = data.aliases.filter((a) => (a.history ?? []).length > 0);
  const releaser = mayRelease(claims);
  return (
    <section aria-labelledby="releases-title">
      <h2 id="releases-title">Release aliases</h2>
      {status && (
        <p role="status" data-testid="release-status">
          {status}
        </p>
      )}
      <ErrorBox error={failure} title="The release action failed" />
      {data.aliases.length === 0 ? (
        <p>No release aliases yet.</p>
      ) : (
        <table className="aliases">
          <caption>Aliases</caption>
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Version</th>
              <th scope="col">Moved</th>
              <th scope="col">By</th>
              {releaser && <th scope="col">Rollback</th>}
            </tr>
          </thead>
          <tbody>
            {data.aliases.map((a) => {
              const target = rollbackTarget(a);
              return (
                <tr key={a.alias}>
                  <th scope="row">{a.alias}</th>
                  <td>{a.version ?? 'not promoted yet'}</td>
                  <td>{formatDate(a.updated_at)}</td>
                  <td>{a.updated_by ?? '—'}</td>
                  {releaser && (
                    <td>
                      {target === undefined ? (
                        '—'
                      ) : (
                        <button type="button" className="secondary" aria-label={`Roll back ${a.alias} to ${target}`} onClick={() => setRollingBack({ alias: a, target })}>
                          Roll back
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {releaser && versions.length > 0 && <ReleaseRequestForm base={base} versions={versions} onRequested={requested} />}
      {rollingBack && (
        <RollbackDialog
          base={base}
          alias={rollingBack.alias}
          target={rollingBack.target}
          onClose={() => setRollingBack(undefined)}
          onDone={(after) => {
            setRollingBack(undefined);
            setFailure(undefined);
            setStatus(`Rolled back: ${after.alias} now points at ${after.version ?? 'nothing'}.`);
            setGeneration((g) => g + 1);
          }}
        />
      )}
      <h3 id="release-requests-title">Pending requests</h3>
      {data.pending.length === 0 ? (
        <p>No request is waiting for approval.</p>
      ) : (
        <table className="release-requests" aria-labelledby="release-requests-title">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Version</th>
              <th scope="col">Requested by</th>
              <th scope="col">Approvals</th>
              <th scope="col">Expires</th>
              <th scope="col">Decide</th>
            </tr>
          </thead>
          <tbody>
            {data.pending.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.alias}</th>
                <td>{r.version}</td>
                <td>
                  {r.requested_by}
                  {r.note ? <span className="reason"> {r.note}</span> : null}
                </td>
                <td>
                  {r.approvals.length} of {r.approvals_required}
                  {r.approvals.length > 0 ? ` (${r.approvals.map((a) => a.approver).join(', ')})` : ''}
                </td>
                <td>{formatDate(r.expires_at)}</td>
                <td className="actions">
                  {mayApprove(claims, r) && (
                    <button type="button" aria-label={`Approve ${r.alias} → ${r.version}`} onClick={() => void decide(r, 'approve')}>
                      Approve
                    </button>
                  )}
                  {(mayApprove(claims, r) || claims?.name === r.requested_by) && (
                    <button type="button" className="secondary" aria-label={`Reject ${r.alias} → ${r.version}`} onClick={() => void decide(r, 'reject')}>
                      Reject
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {moved.length > 0 && <h3>History</h3>}
      {moved.map((a) => (
        <details key={a.alias}>
          <summary>
            {a.alias}: {(a.history ?? []).length} {(a.history ?? []).length === 1 ? 'move' : 'moves'}
          </summary>
          <table>
            <caption>History of {a.alias}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Move</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Approved by</th>
              </tr>
            </thead>
            <tbody>
              {(a.history ?? []).map((h, i) => (
                // Moves have no id of their own; the list is replaced whole on every reload.
                <tr key={i}>
                  <td>{formatDate(h.at)}</td>
                  <td>
                    {h.kind === 'rollback' ? 'emergency rollback' : 'promotion'}
                    {h.rolled_back ? ' (rolled back)' : ''}
                  </td>
                  <td>{h.from_version ?? '—'}</td>
                  <td>{h.to_version}</td>
                  <td>{h.actor}</td>
                  <td>{h.approvers.length > 0 ? h.approvers.join(', ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
