/**
 * Why an upstream fetch failed. `retriable` tells the caller whether trying again can help: transient failures
 * (timeouts, broken connections, 5xx, 429) are worth a back-off and retry; permanent ones (404, forbidden
 * destination, too large, malformed answer) will fail the same way again.
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
