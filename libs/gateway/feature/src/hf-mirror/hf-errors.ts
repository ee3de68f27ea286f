import type { RefusalReason } from '@modelguard/contracts';
import { ClientError } from '../domain/client-error';

/**
 * Errors in the Hub's wire format: the clients read `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound
 * map to their typed errors; `huggingface_hub` also shows `X-Error-Message`) and the JSON body's `error` (what
 * `@huggingface/hub` puts in its error message). The ModelGuard codes name why a gate refused, so a user sees e.g.
 * "blocked by scan finding …" instead of a bare 403.
 */
export type HfErrorCode =
  | 'RepoNotFound'
  | 'RevisionNotFound'
  | 'EntryNotFound'
  | 'ModelGuardScanBlocked'
  | 'ModelGuardPending'
  | 'ModelGuardRatingRejected'
  | 'ModelGuardMonitorRefused'
  | 'ModelGuardUpstreamDenied'
  | 'ModelGuardIngestFailed'
  | 'ModelGuardUnauthorized'
  | 'ModelGuardBadRequest'
  | 'ModelGuardRangeNotSatisfiable';

/** Header values must be printable ASCII and short; messages may quote scanner findings with anything in them. */
function headerSafe(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}

export function hfError(status: number, code: HfErrorCode, message: string, extraHeaders: Record<string, string> = {}, reason?: RefusalReason): ClientError {
  return new ClientError(status, message, { ...extraHeaders, 'X-Error-Code': code, 'X-Error-Message': headerSafe(message) }, {}, reason);
}

export function repoNotFound(kind: 'model' | 'dataset', repo: string, why = ''): ClientError {
  const suffix = why === '' ? '' : ` (${why})`;
  return hfError(404, 'RepoNotFound', `Repository not found: ${kind === 'dataset' ? 'datasets/' : ''}${repo.slice(0, 200)}${suffix}`);
}

/**
 * Re-words an error of the registry's own gates (packages/download-gate.ts, the sensitive-model monitor, the range
 * parser) for a Hub client, keeping its status, headers (Retry-After, Content-Range) and audit reason.
 */
export function inHubTerms(error: unknown, subject: string): unknown {
  if (!(error instanceof ClientError) || 'X-Error-Code' in error.headers) return error;
  const code = codeOf(error);
  if (code === null) return error;
  const message = `ModelGuard refused ${subject}: ${error.message}`;
  return new ClientError(error.status, message, { ...error.headers, 'X-Error-Code': code, 'X-Error-Message': headerSafe(message) }, error.details, error.reason);
}

function codeOf(error: ClientError): HfErrorCode | null {
  const byReason: Partial<Record<RefusalReason, HfErrorCode>> = {
    'scan-gate': 'ModelGuardScanBlocked',
    'rating-gate': 'ModelGuardRatingRejected',
    'gate-pending': 'ModelGuardPending',
    'monitor-program': 'ModelGuardMonitorRefused',
  };
  const named = error.reason === undefined ? undefined : byReason[error.reason];
  if (named !== undefined) return named;
  if (error.status === 416) return 'ModelGuardRangeNotSatisfiable';
  if (error.status === 503) return 'ModelGuardPending';
  if (error.status === 404) return 'EntryNotFound';
  if (error.status === 400) return 'ModelGuardBadRequest';
  return null;
}
