/**
 * Why an internal query failed, for the caller to map onto its own answer:
 *  - `not-found`: the server answered 404 (it knows nothing about the subject);
 *  - `invalid-request`: the request does not fit the contract (never sent);
 *  - `not-configured`: no base URL for the server's service;
 *  - `unreachable`: connection refused, DNS, timeout;
 *  - `upstream-status`: any other non-success status;
 *  - `too-large`: the body exceeds the contract's (or the client's) size bound;
 *  - `invalid-response`: not JSON, or JSON that does not fit the contract's schema for that status.
 */
export type InternalQueryFailure =
  | 'not-found'
  | 'invalid-request'
  | 'not-configured'
  | 'unreachable'
  | 'upstream-status'
  | 'too-large'
  | 'invalid-response';

export class InternalQueryError extends Error {
  override readonly name = 'InternalQueryError';

  constructor(
    readonly kind: InternalQueryFailure,
    /** The query contract's name (`ScanReport`). */
    readonly query: string,
    /** The service that serves it. */
    readonly service: string,
    message: string,
    /** The server's HTTP status, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isInternalQueryError(error: unknown): error is InternalQueryError {
  return error instanceof InternalQueryError;
}
