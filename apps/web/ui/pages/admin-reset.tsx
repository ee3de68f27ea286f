import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';

const CONFIRM_WORD = 'reset';

/** DELETE /reset wipes every artifact: the admin must open a dialog and type the confirmation word. */
export function ResetSection() {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim().toLowerCase() !== CONFIRM_WORD) {
      setError(`Type “${CONFIRM_WORD}” to confirm.`);
      return;
    }
    try {
      await api('DELETE', '/reset');
      setOpen(false);
      setDone(true);
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section aria-labelledby="reset-title">
      <h2 id="reset-title">Reset the registry</h2>
      <p>Deletes every artifact and every user except the default administrator. This cannot be undone.</p>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setTyped('');
          setError(undefined);
          setFailure(undefined);
          setDone(false);
          setOpen(true);
        }}
      >
        Reset the registry…
      </button>
      {done && <p role="status">The registry was reset.</p>}
      <Dialog open={open} title="Confirm the reset" onClose={() => setOpen(false)}>
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="Confirm the reset">
          <Field id="reset-confirm" label={`Type “${CONFIRM_WORD}” to delete everything`} value={typed} onChange={(e) => setTyped(e.target.value)} error={error} autoComplete="off" />
          <ErrorBox error={failure} title="The reset failed" />
          <div className="actions">
            <button type="submit" className="danger">
              Delete everything
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
