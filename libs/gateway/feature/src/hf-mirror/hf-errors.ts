import type { RefusalReason } from '@modelguard/contracts';
import { ClientError } from '../domain/client-error';

/**
 * Errors in the Hub's wire format: the clients read `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound,
 * GatedRepo map to their typed errors; `huggingface_hub` also shows `X-Error-Message`) and the JSON body's `error` (what
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

/** ModelGuard's own access gates: a 403 that approval, a rescan or the admin can lift, as a gated repo on the Hub. */
const GATE_CODES: ReadonlySet<HfErrorCode> = new Set(['ModelGuardScanBlocked', 'ModelGuardRatingRejected', 'ModelGuardMonitorRefused', 'ModelGuardUpstreamDenied']);

/**
 * The error headers for a code. A gate refusal travels as the Hub's own `GatedRepo`, because `huggingface_hub`'s
 * `hf_hub_download` re-raises only RepoNotFound/GatedRepo/401 from its HEAD: any other 403 becomes a
 * LocalEntryNotFoundError saying "check your connection", and the reason is lost (huggingface_hub 2.0
 * file_download._raise_on_head_call_error). The specific code stays in `X-ModelGuard-Error-Code`.
 */
export function hfErrorHeaders(code: HfErrorCode, message: string): Record<string, string> {
  const safe = headerSafe(message);
  return GATE_CODES.has(code) ? { 'X-Error-Code': 'GatedRepo', 'X-ModelGuard-Error-Code': code, 'X-Error-Message': safe } : { 'X-Error-Code': code, 'X-Error-Message': safe };
}

export function hfError(status: number, code: HfErrorCode, message: string, extraHeaders: Record<string, string> = {}, reason?: RefusalReason): ClientError {
  return new ClientError(status, message, { ...extraHeaders, ...hfErrorHeaders(code, message) }, {}, reason);
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
  return new ClientError(error.status, message, { ...error.headers, ...hfErrorHeaders(code, message) }, error.details, error.reason);
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
