import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ReleaseRequest } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { ALIAS_PATTERN } from './release-actions';

/**
 * Asks that an alias point at a version (POST …/aliases/{alias}/requests). The gateway checks the gates now and
 * answers 422 naming the failing gate, which is shown as an alert with what to do.
 */
export function ReleaseRequestForm({ base, versions, onRequested }: { base: string; versions: string[]; onRequested: (r: ReleaseRequest) => void }) {
  const [alias, setAlias] = useState('staging');
  const [version, setVersion] = useState(versions.at(-1) ?? '');
  const [note, setNote] = useState('');
  const [aliasError, setAliasError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    const name = alias.trim();
    if (!ALIAS_PATTERN.test(name)) {
      setAliasError('Use lower-case letters, digits and dashes, starting with a letter (for example staging or production).');
      document.getElementById('release-alias')?.focus();
      return;
    }
    setAliasError(undefined);
    setBusy(true);
    try {
      const { body } = await api<ReleaseRequest>('POST', `${base}/aliases/${encodeURIComponent(name)}/requests`, { version, ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      onRequested(body);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="release-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="release-request-title">
      <h3 id="release-request-title">Request a release</h3>
      <div className="inline-form">
        <Field id="release-alias" label="Alias" hint="staging, production, …" value={alias} maxLength={63} onChange={(e) => setAlias(e.target.value)} error={aliasError} />
        <div className="field">
          <label htmlFor="release-version">Version</label>
          <select id="release-version" value={version} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </div>
        <Field id="release-note" label="Note (optional)" value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" disabled={busy}>
          Request release
        </button>
      </div>
      <ErrorBox error={failure} title="The release request was refused" />
    </form>
  );
}
