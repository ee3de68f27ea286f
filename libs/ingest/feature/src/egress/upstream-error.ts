/**
 * Why an upstream fetch failed. `retriable` drives the ingest worker: transient failures are retried with
 * back-off until the attempts are spent; permanent ones become an IngestFailed event straight away.
 */
export type UpstreamErrorKind =
  | 'forbidden-destination'
  | 'not-found'
  | 'http-status'
  | 'timeout'
  | 'too-large'
  | 'length-mismatch'
  | 'too-many-redirects'
  | 'network'
  | 'invalid-response'
  | 'integrity';

const RETRIABLE: ReadonlySet<UpstreamErrorKind> = new Set(['timeout', 'network', 'length-mismatch']);

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly retriable: boolean;

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // 5xx and 429 are the upstream's bad moment; any other status is an answer that a retry will not change.
    this.retriable = RETRIABLE.has(kind) || (kind === 'http-status' && status != null && (status >= 500 || status === 429));
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
