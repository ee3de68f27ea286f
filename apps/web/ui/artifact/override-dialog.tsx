import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ArtifactVersion } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';

/** Admin release of a blocked or flagged version: the reason is required (the gateway audits it). */
export function OverrideDialog({ base, version, onDone, onClose }: { base: string; version: ArtifactVersion; onDone: () => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Give the reason for releasing this version; it is kept in the audit trail.');
      document.getElementById('override-reason')?.focus();
      return;
    }
    setError(undefined);
    try {
      await api('POST', `${base}/versions/${encodeURIComponent(version.version_key)}/override`, { reason: reason.trim() });
      onDone();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <Dialog open title={`Release version ${version.version}`} onClose={onClose}>
      <p>
        The scan {version.scan_state} this version{version.scan_reason ? `: ${version.scan_reason}` : ''}. Releasing it lets everyone with download
        permission fetch it.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Release version">
        <div className="field">
          <label htmlFor="override-reason">Reason (required)</label>
          <textarea
            id="override-reason"
            value={reason}
            maxLength={1000}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'override-reason-error' : undefined}
          />
          {error && (
            <span id="override-reason-error" className="field-error">
              {error}
            </span>
          )}
        </div>
        <ErrorBox error={failure} title="The override failed" />
        <div className="actions">
          <button type="submit">Release version</button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
