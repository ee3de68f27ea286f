import { useState } from 'react';
import { api } from '../api/client';
import type { ReleaseAlias } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';

/**
 * Confirms an emergency rollback (POST …/aliases/{alias}/rollback): the alias moves back at once, without an
 * approval round, so the user sees from where to where before anything is sent. A refusal stays in the dialog.
 */
export function RollbackDialog({ base, alias, target, onDone, onClose }: { base: string; alias: ReleaseAlias; target: string; onDone: (after: ReleaseAlias) => void; onClose: () => void }) {
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setFailure(undefined);
    setBusy(true);
    try {
      onDone((await api<ReleaseAlias>('POST', `${base}/aliases/${encodeURIComponent(alias.alias)}/rollback`)).body);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open title={`Roll back ${alias.alias}`} onClose={onClose}>
      <p>
        {alias.alias} points at <strong>{alias.version}</strong>. Rolling back points it at <strong>{target}</strong> now, without an approval
        round; the release gates still apply and the move is audited as an emergency rollback.
      </p>
      <ErrorBox error={failure} title="The rollback was refused" />
      <div className="actions">
        <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
          Roll back to {target}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
