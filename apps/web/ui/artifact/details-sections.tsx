import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { ArtifactCost, AuditEntry } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatDate } from '../format';

/** Cost in MB as the course defines it, standalone and with every dependency (lineage parents). */
export function CostSection({ id, alone, withDeps }: { id: string; alone: ArtifactCost | undefined; withDeps: ArtifactCost | undefined }) {
  const standalone = alone?.[id]?.total_cost;
  const total = withDeps?.[id]?.total_cost;
  if (standalone === undefined && total === undefined) return null;
  return (
    <section aria-labelledby="cost-title">
      <h2 id="cost-title">Cost</h2>
      <dl className="pairs">
        {standalone !== undefined && (
          <>
            <dt>On its own</dt>
            <dd>{standalone.toFixed(2)} MB</dd>
          </>
        )}
        {total !== undefined && (
          <>
            <dt>With dependencies</dt>
            <dd>{total.toFixed(2)} MB</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** POST /artifact/model/{id}/license-check: is the model's license compatible with a GitHub project's? */
export function LicenseCheck({ id }: { id: string }) {
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string>();
  const [answer, setAnswer] = useState<boolean>();
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAnswer(undefined);
    setFailure(undefined);
    if (!/^https:\/\/github\.com\/[^/\s]+\/[^/\s]+/.test(url.trim())) {
      setError('Enter a GitHub repository address, like https://github.com/owner/project.');
      return;
    }
    setError(undefined);
    try {
      setAnswer((await api<boolean>('POST', `/artifact/model/${encodeURIComponent(id)}/license-check`, { github_url: url.trim() })).body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) setError(e.message);
      else setFailure(e);
    }
  };
  return (
    <section aria-labelledby="license-title">
      <h2 id="license-title">License check</h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate aria-label="License check">
        <Field id="license-url" label="GitHub project that would use this model" type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={error} />
        <button type="submit">Check</button>
      </form>
      {answer !== undefined && (
        <p role="status">{answer ? 'Compatible: the licenses allow this use.' : 'Not compatible: the licenses conflict for this use.'}</p>
      )}
      <ErrorBox error={failure} title="The license check failed" />
    </section>
  );
}

export function AuditSection({ entries }: { entries: AuditEntry[] | undefined }) {
  if (entries === undefined) return null;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit history</h2>
      {entries.length === 0 ? (
        <p>No recorded actions.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={i}>
                <td>{formatDate(e.date)}</td>
                <td>
                  {e.user.name}
                  {e.user.is_admin ? ' (admin)' : ''}
                </td>
                <td>{e.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The signed manifest's file list (name + SHA-256) from the Sigstore bundle's in-toto statement. */
export function filesOfSignature(bundle: unknown): Array<{ name: string; digest: string }> | undefined {
  try {
    const payload = (bundle as { dsseEnvelope?: { payload?: string } }).dsseEnvelope?.payload;
    if (!payload) return undefined;
    const statement = JSON.parse(atob(payload)) as { predicate?: { resources?: Array<{ name?: string; digest?: string }> } };
    return statement.predicate?.resources?.flatMap((r) => (r.name ? [{ name: r.name, digest: r.digest ?? '' }] : []));
  } catch {
    return undefined;
  }
}

export function SignatureSection({ bundle }: { bundle: unknown }) {
  if (bundle === undefined) return null;
  const files = filesOfSignature(bundle);
  const key = (bundle as { verificationMaterial?: { publicKey?: { hint?: string } } }).verificationMaterial?.publicKey?.hint;
  return (
    <section aria-labelledby="files-title">
      <h2 id="files-title">Files and signature</h2>
      <p>
        Signed by the registry{key ? ` with key ${key}` : ''}. Check a download offline with <code>modelguard verify</code>.
      </p>
      {files && (
        <table>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th>
                <td>
                  <code className="digest">{f.digest}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
