import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ARTIFACT_TYPES, type ArtifactType } from '../api/types';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatBytes, formatSeconds } from '../format';
import { afterFailure } from '../upload/lost-response';
import { addSample, figures, type Sample } from '../upload/progress';
import { ScanWatch } from '../upload/scan-watch';
import { abandonSession, completeSession, openSession, sendFrom } from '../upload/upload-session';
import { IngestForm } from './ingest-form';

/** The session a failed upload can resume: only for the very file and choices it was opened with. */
interface Resumable {
  id: string;
  file: File;
  key: string;
}

export default function UploadPage() {
  const [type, setType] = useState<ArtifactType>('model');
  const [name, setName] = useState('');
  const [version, setVersion] = useState('');
  const [file, setFile] = useState<File>();
  const [errors, setErrors] = useState<{ name?: string; version?: string; file?: string }>({});
  const [samples, setSamples] = useState<Sample[]>([]);
  const [acked, setAcked] = useState(0);
  const [uploading, setUploading] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [created, setCreated] = useState<{ id: string; name: string; type: ArtifactType }>();
  const [recovered, setRecovered] = useState(false);
  const [resumable, setResumable] = useState<Resumable>();
  const abort = useRef<AbortController | undefined>(undefined);
  const key = `${type}\n${name.trim()}\n${version.trim()}`;
  const canResume = resumable !== undefined && resumable.file === file && resumable.key === key;

  /** Sends the file through an upload session: a new one, or (resume) the failed one from the offset it holds. */
  const run = async (chosen: File, resume: Resumable | undefined) => {
    setFailure(undefined);
    setCreated(undefined);
    setRecovered(false);
    setUploading(true);
    setSamples([]);
    abort.current = new AbortController();
    const signal = abort.current.signal;
    const trimmed = name.trim();
    let id = resume?.id;
    try {
      let offset = 0;
      if (id === undefined) {
        if (resumable) abandonSession(resumable.id);
        setAcked(0);
        id = (await openSession(type, trimmed, version.trim(), chosen.size)).id;
        setResumable({ id, file: chosen, key });
      } else {
        const found = await afterFailure(id);
        if (found !== undefined && 'stored' in found) return stored(found.stored, trimmed);
        offset = found?.offset ?? acked;
        setAcked(offset);
      }
      const session = id;
      await sendFrom(session, chosen, offset, setAcked, (sent) => setSamples((s) => addSample(s, { at: performance.now(), bytes: sent })), signal);
      const body = await completeSession(session);
      setResumable(undefined);
      setCreated({ id: body.metadata.id, name: body.metadata.name, type });
    } catch (error) {
      // A lost answer is not a lost upload: the session says whether the registry stored the package after all.
      const found = id === undefined || error instanceof ApiError || signal.aborted ? undefined : await afterFailure(id);
      if (found !== undefined && 'stored' in found) return stored(found.stored, trimmed);
      if (found !== undefined) setAcked(found.offset);
      if (id === undefined && error instanceof ApiError && error.status === 400 && /name/i.test(error.message)) setErrors({ name: error.message });
      else if (id === undefined && error instanceof ApiError && error.status === 400 && /version/i.test(error.message)) setErrors({ version: error.message });
      else setFailure(error);
    } finally {
      setUploading(false);
    }
  };

  const stored = (artifactId: string, artifactName: string) => {
    setResumable(undefined);
    setRecovered(true);
    setCreated({ id: artifactId, name: artifactName, type });
  };

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
    await run(file, undefined);
  };

  const total = file?.size ?? 0;
  const f = figures(samples, total);
  // After a failure the bar shows what the registry holds, even when no progress event came (a chunk cut at once).
  const showProgress = uploading || ((samples.length > 0 || acked > 0) && (created !== undefined || failure !== undefined));
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
          {failure !== undefined && canResume && file && (
            <button type="button" disabled={uploading} onClick={() => void run(file, resumable)}>
              Resume upload
            </button>
          )}
          <button type="submit" disabled={uploading} className={failure !== undefined && canResume ? 'secondary' : undefined}>
            {failure === undefined ? 'Upload' : canResume ? 'Start over' : 'Retry upload'}
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
          <progress id="upload-progress" aria-label="Upload progress (bytes the registry has acknowledged)" max={Math.max(1, total)} value={acked} />
          <p data-testid="upload-figures" aria-live="off">
            Sent {formatBytes(Math.max(f.sent, acked))} of {formatBytes(total)}
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
              ? `The registry holds ${formatBytes(acked)} of ${formatBytes(total)} and refused or failed to store it (HTTP ${failure.status}).`
              : `The connection broke off; the registry holds ${formatBytes(acked)} of ${formatBytes(total)}.`}{' '}
            {canResume
              ? `Your choices and the chosen file are kept: press “Resume upload” to send only the remaining ${formatBytes(total - acked)}.`
              : 'Your choices and the chosen file are kept: press “Retry upload” to send it again.'}
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
