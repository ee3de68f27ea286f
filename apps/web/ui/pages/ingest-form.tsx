import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import { ARTIFACT_TYPES, type Artifact, type ArtifactType } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { ScanWatch } from '../upload/scan-watch';

/** Registers an artifact from a URL (Hugging Face, GitHub); the gateway ingests, rates and scans it. */
export function IngestForm() {
  const [type, setType] = useState<ArtifactType>('model');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Artifact>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    if (!/^https?:\/\/\S+$/.test(url.trim())) {
      setError('Enter the address of the model, dataset or code, such as https://huggingface.co/google-bert/bert-base-uncased.');
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      setCreated((await api<Artifact>('POST', `/artifact/${type}`, { url: url.trim() })).body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) setError(e.message);
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="ingest-title">
      <h2 id="ingest-title">Register from a URL</h2>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Register from a URL">
        <div className="field">
          <label htmlFor="ingest-type">Type</label>
          <select id="ingest-type" value={type} onChange={(e) => setType(e.target.value as ArtifactType)}>
            {ARTIFACT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <Field id="ingest-url" label="Source URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Registering…' : 'Register'}
        </button>
      </form>
      <ErrorBox error={failure} title="The registration was refused" />
      {created && <ScanWatch type={created.metadata.type} id={created.metadata.id} name={created.metadata.name} />}
    </section>
  );
}
