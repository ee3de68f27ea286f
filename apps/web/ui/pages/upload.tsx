import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ARTIFACT_TYPES, type Artifact, type ArtifactType } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatBytes, formatSeconds } from '../format';
import { addSample, figures, type Sample } from '../upload/progress';
import { ScanWatch } from '../upload/scan-watch';
import { sendZip } from '../upload/send';
import { IngestForm } from './ingest-form';

export default function UploadPage() {
  const [type, setType] = useState<ArtifactType>('model');
  const [name, setName] = useState('');
  const [version, setVersion] = useState('');
  const [file, setFile] = useState<File>();
  const [errors, setErrors] = useState<{ name?: string; version?: string; file?: string }>({});
  const [samples, setSamples] = useState<Sample[]>([]);
  const [uploading, setUploading] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [created, setCreated] = useState<{ id: string; name: string; type: ArtifactType }>();
  const abort = useRef<AbortController | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      name: name.trim() === '' ? 'Give the artifact a name.' : undefined,
      version: version && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version.trim()) ? 'Use a semantic version such as 1.2.0, or leave it empty.' : undefined,
      file: !file ? 'Choose a .zip package.' : !/\.zip$/i.test(file.name) ? 'The package must be a .zip file.' : undefined,
    };
    setErrors(found);
    if (found.name || found.version || found.file || !file) {
      document.getElementById(found.name ? 'upload-name' : found.version ? 'upload-version' : 'upload-file')?.focus();
      return;
    }
    setFailure(undefined);
    setCreated(undefined);
    setUploading(true);
    setSamples([]);
    abort.current = new AbortController();
    const params = new URLSearchParams({ name: name.trim() });
    if (version.trim()) params.set('version', version.trim());
    try {
      const body = (await sendZip(`/artifact/${type}/package?${params}`, file, (sent) => setSamples((s) => addSample(s, { at: performance.now(), bytes: sent })), abort.current.signal)) as Artifact;
      setCreated({ id: body.metadata.id, name: body.metadata.name, type });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && /name/i.test(error.message)) setErrors({ name: error.message });
      else if (error instanceof ApiError && error.status === 400 && /version/i.test(error.message)) setErrors({ version: error.message });
      else setFailure(error);
    } finally {
      setUploading(false);
    }
  };

  const total = file?.size ?? 0;
  const f = figures(samples, total);
  const showProgress = uploading || (samples.length > 0 && (created !== undefined || failure !== undefined));
  return (
    <>
      <h1>Upload a package</h1>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Upload a package">
        <div className="field">
          <label htmlFor="upload-type">Type</label>
          <select id="upload-type" value={type} onChange={(e) => setType(e.target.value as ArtifactType)}>
            {ARTIFACT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <Field id="upload-name" label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required />
        <Field id="upload-version" label="Version (optional)" hint="Semantic version; the registry numbers it when empty" value={version} onChange={(e) => setVersion(e.target.value)} error={errors.version} />
        <Field id="upload-file" label="Package (.zip)" type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0])} error={errors.file} required />
        <div className="actions">
          <button type="submit" disabled={uploading}>
            {failure ? 'Retry upload' : 'Upload'}
          </button>
          {uploading && (
            <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {showProgress && (
        <div className="progress-block">
          <progress id="upload-progress" aria-label="Upload progress" max={Math.max(1, total)} value={f.sent} />
          <p data-testid="upload-figures" aria-live="off">
            Sent {formatBytes(f.sent)} of {formatBytes(total)}
            {f.rate !== undefined ? ` · ${formatBytes(f.rate)}/s` : ''}
            {f.secondsLeft !== undefined && uploading ? ` · about ${formatSeconds(f.secondsLeft)} left` : ''}
          </p>
        </div>
      )}
      {failure !== undefined && (
        <>
          <ErrorBox error={failure} title="The upload failed" />
          <p>
            {formatBytes(f.sent)} of {formatBytes(total)} had been sent. Your choices are kept: press “Retry upload” to send the package again.
          </p>
        </>
      )}
      {created && <ScanWatch type={created.type} id={created.id} name={created.name} />}
      <IngestForm />
    </>
  );
}
