/**
 * Whether an unexpected error means a data store (PostgreSQL, Redis, S3) is unreachable or dropped the connection,
 * rather than a bug. Those requests answer 503 + Retry-After: the client may retry once the store is back, and the
 * drivers reconnect on their own (pg replaces dead pool clients, ioredis reconnects, the S3 client opens new
 * sockets), so no restart is needed. Matched on the error shapes of the drivers (pg/TypeORM SQLSTATE codes, Node
 * socket codes, ioredis and pg messages, AWS SDK metadata), walking `driverError` and `cause` chains.
 */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (looksUnavailable(current as ErrorShape)) return true;
    const e = current as ErrorShape;
    current = e.driverError ?? e.cause;
  }
  return false;
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Socket-level failures (Node) seen when a store is stopped, restarted or unreachable. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a lost or refused database connection: class 08 (connection exception), 57P01-57P03 (backend
 * terminated by an administrator, crash or start-up) and 53300 (too many connections).
 */
const PG_CODES = /^(08...|57P0[123]|53300)$/;
/** Driver messages without a code: pg's dead client and pool wait, ioredis's closed connection and retry limit. */
const MESSAGES = /connection terminated|client has encountered a connection error|timeout exceeded when trying to connect|connection is closed|max retries per request|command timed out|socket hang up/i;

/**
 * Errors raised *because* a connection died: TypeORM releases a transaction's query runner when its connection
 * fails, so the next statement of that transaction (or its COMMIT) reports the release instead of the lost
 * connection; ioredis gives up after its reconnect attempts. The filter still logs these with their stack.
 */
const NAMES = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError', 'MaxRetriesPerRequestError']);

function looksUnavailable(e: ErrorShape): boolean {
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || PG_CODES.test(e.code))) return true;
  if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // The S3 endpoint answered but is failing itself (500/503 SlowDown): also the store's, not the request's, fault.
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}
