import { advice } from '../api/client';

/** A failed request: what happened (the registry's own message) and what to do about it. */
export function ErrorBox({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      <strong>{title}:</strong> {message}
      <p>{advice(error)}</p>
    </div>
  );
}
