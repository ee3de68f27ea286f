import { useState, type FormEvent } from 'react';
import { authHeaders, readError } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { formatBytes } from '../format';

const PARTS = ['full', 'weights', 'config', 'docs', 'code', 'datasets'] as const;

/**
 * Downloads through fetch (the token is a header, so a plain link cannot carry it), counting bytes as they stream,
 * then hands the finished zip to the browser as a file.
 */
export function DownloadSection({ base, name, versions }: { base: string; name: string; versions: string[] }) {
  const [part, setPart] = useState<(typeof PARTS)[number]>('full');
  const [glob, setGlob] = useState('');
  const [version, setVersion] = useState('');
  const [globError, setGlobError] = useState<string>();
  const [progress, setProgress] = useState<{ received: number; total?: number; done: boolean }>();
  const [failure, setFailure] = useState<unknown>();
  const [warning, setWarning] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (glob.length > 512) {
      setGlobError('A glob is at most 512 characters.');
      return;
    }
    setGlobError(undefined);
    setFailure(undefined);
    setWarning(undefined);
    const params = new URLSearchParams({ part });
    if (glob) params.set('glob', glob);
    if (version) params.set('version', version);
    setProgress({ received: 0, done: false });
    try {
      const res = await fetch(`${base}/download?${params}`, { headers: authHeaders() });
      if (!res.ok || !res.body) throw await readError(res);
      setWarning(res.headers.get('x-modelguard-scan-warning') ?? undefined);
      const total = Number(res.headers.get('content-length')) || undefined;
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        setProgress({ received, total, done: false });
      }
      setProgress({ received, total, done: true });
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'application/zip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name}${part === 'full' ? '' : `-${part}`}.zip`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      setProgress(undefined);
      setFailure(error);
    }
  };

  return (
    <section aria-labelledby="download-title">
      <h2 id="download-title">Download</h2>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Download">
        <div className="field">
          <label htmlFor="download-part">Part</label>
          <select id="download-part" value={part} onChange={(e) => setPart(e.target.value as (typeof PARTS)[number])}>
            {PARTS.map((p) => (
              <option key={p} value={p}>
                {p === 'full' ? 'Full package' : p}
              </option>
            ))}
          </select>
        </div>
        {versions.length > 1 && (
          <div className="field">
            <label htmlFor="download-version">Version</label>
            <select id="download-version" value={version} onChange={(e) => setVersion(e.target.value)}>
              <option value="">Latest</option>
              {versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        )}
        <Field id="download-glob" label="Only files matching (glob, optional)" hint="For example **/*.safetensors" value={glob} onChange={(e) => setGlob(e.target.value)} error={globError} />
        <button type="submit" disabled={progress !== undefined && !progress.done}>
          Download
        </button>
      </form>
      {progress && (
        <div className="progress-block">
          <progress id="download-progress" aria-label="Download progress" max={progress.total ?? 1} value={progress.total ? progress.received : progress.done ? 1 : undefined} />
          <p role="status" data-testid="download-status">
            {progress.done ? 'Downloaded' : 'Downloading'} {formatBytes(progress.received)}
            {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
          </p>
        </div>
      )}
      {warning && <p className="warning">Scan warning: {warning}</p>}
      <ErrorBox error={failure} title="The download was refused" />
    </section>
  );
}
