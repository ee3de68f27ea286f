import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ARTIFACT_TYPES, type Artifact, type ArtifactType } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatBytes, formatSeconds } from '../format';
import { idsNamed, storedDespiteFailure } from '../upload/lost-response';
import { addSample, figures, type Sample } from '../upload/progress';
import { ScanWatch } from '../upload/scan-watch';
import { sendZip } from '../upload/send';
import { useSession } from '../session-context';
import { IngestForm } from './ingest-form';

export default function UploadPage() {
  const { claims } = useSession();
  const [type, setType] = useState<ArtifactType>('model');
  const [name, setName] = useState('');
  const [version, setVersion] = useState('');
  const [file, setFile] = useState<File>();
  const [errors, setErrors] = useState<{ name?: string; version?: string; file?: string }>({});
  const [samples, setSamples] = useState<Sample[]>([]);
  const [uploading, setUploading] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [created, setCreated] = useState<{ id: string; name: string; type: ArtifactType }>();
  const [recovered, setRecovered] = useState(false);
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
    setRecovered(false);
    setUploading(true);
    setSamples([]);
    abort.current = new AbortController();
    const trimmed = name.trim();
    const params = new URLSearchParams({ name: trimmed });
    if (version.trim()) params.set('version', version.trim());
    // Only for users who may search: a refused look-up would be one more audited refusal per upload.
    const before = claims?.isAdmin || claims?.permissions.includes('search') ? await idsNamed(trimmed, type) : undefined;
    try {
      const body = (await sendZip(`/artifact/${type}/package?${params}`, file, (sent) => setSamples((s) => addSample(s, { at: performance.now(), bytes: sent })), abort.current.signal)) as Artifact;
      setCreated({ id: body.metadata.id, name: body.metadata.name, type });
    } catch (error) {
      // A lost answer is not a lost upload: re-sending would register the package twice.
      const stored = error instanceof ApiError || abort.current.signal.aborted ? undefined : await storedDespiteFailure(trimmed, type, before);
      if (stored !== undefined) {
        setRecovered(true);
        setCreated({ id: stored, name: trimmed, type });
      } else if (error instanceof ApiError && error.status === 400 && /name/i.test(error.message)) setErrors({ name: error.message });
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
        <div className="upload-failure">
          <ErrorBox error={failure} title="The upload failed" />
          <p data-testid="upload-failure-stage">
            {failure instanceof ApiError
              ? `The registry received ${formatBytes(f.sent)} of ${formatBytes(total)} and refused or failed to store it (HTTP ${failure.status}).`
              : f.sent < total
                ? `The connection broke off after ${formatBytes(f.sent)} of ${formatBytes(total)} had been sent.`
                : `All ${formatBytes(total)} were sent, but the connection broke off before the registry answered; it did not store the package.`}{' '}
            Your choices and the chosen file are kept: press “Retry upload” to send it again. The registry has no resumable uploads, so the whole package is
            sent again.
          </p>
        </div>
      )}
      {recovered && (
        <p role="status" data-testid="upload-recovered">
          The connection broke off before the registry answered, but it had stored the package: there is no need to upload it again.
        </p>
      )}
      {created && <ScanWatch type={created.type} id={created.id} name={created.name} />}
      <IngestForm />
    </>
  );
}
