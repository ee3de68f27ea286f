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
  | 'integrity'
  | 'rate-limited';

// A rate limit lifts by itself (GitHub says when in x-ratelimit-reset), so a later retry can succeed.
const RETRIABLE: ReadonlySet<UpstreamErrorKind> = new Set(['timeout', 'network', 'length-mismatch', 'rate-limited']);

/** Response headers as Node reports them; kept on status errors so callers can read rate-limit headers. */
export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly retriable: boolean;
  /** The upstream's response headers, for errors that come from an HTTP answer (non-2xx statuses). */
  readonly headers?: UpstreamHeaders;

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; headers?: UpstreamHeaders },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers;
    // 5xx and 429 are the upstream's bad moment; any other status is an answer that a retry will not change.
    this.retriable = RETRIABLE.has(kind) || (kind === 'http-status' && status != null && (status >= 500 || status === 429));
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
