import {
  type QueryContract,
  type QueryRequestOf,
  type QueryResultOf,
  type QuerySuccessStatus,
  queryPathOf,
  type ServiceName,
} from '@modelguard/contracts';
import { type Backoff, backoffDelay } from '@modelguard/jobs';
import type { z } from 'zod';
import { readBoundedText } from './bounded-body';
import { InternalQueryError } from './internal-query.error';

export interface InternalClientOptions {
  /**
   * Base URL of each service's internal API (`http://scan:3000`); a query to a service without one fails
   * `not-configured`. Several instances may be given comma-separated (`http://scan-1:3000,http://scan-2:3000`):
   * queries rotate over them and fail over to the next on a connection error or a 5xx.
   */
  baseUrls: Partial<Record<ServiceName, string | undefined>>;
  /** Wall-clock budget of one query, body included. */
  timeoutMs: number;
  /** Cap on any response body, on top of each contract's own `maxResponseBytes` (the smaller wins). */
  maxResponseBytes?: number;
}

/** Waits between failover attempts to the next instance (short: the next instance is most likely healthy). */
const FAILOVER_BACKOFF: Backoff = { initialMs: 25, maxMs: 400, jitter: 0.2 };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * Performs internal queries (one service reading another over its `/internal` HTTP API) from their contracts in
 * `@modelguard/contracts`: validates the request, builds the URL, bounds the time and the body size, and parses
 * the answer with the contract's schema for its status. Every failure is an InternalQueryError with a `kind`,
 * never a hang, an `unknown` body or the upstream's raw error text.
 */
export class InternalClient {
  private turn = 0;

  constructor(private readonly options: InternalClientOptions) {}

  async query<Q extends QueryContract>(contract: Q, request: QueryRequestOf<Q>): Promise<QueryResultOf<Q>> {
    const fail = (kind: InternalQueryError['kind'], message: string, status?: number, cause?: unknown) =>
      new InternalQueryError(kind, contract.name, contract.server, message, status, cause === undefined ? undefined : { cause });
    const parsedRequest = contract.request.safeParse(request);
    if (!parsedRequest.success) throw fail('invalid-request', `${contract.name} request is invalid: ${parsedRequest.error.issues.map((i) => i.message).join('; ')}`);
    const baseUrls = (this.options.baseUrls[contract.server] ?? '').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u.length > 0);
    if (baseUrls.length === 0) throw fail('not-configured', `the ${contract.server} service is not configured`);
    const path = queryPathOf(contract, parsedRequest.data as Record<string, unknown>);

    // One budget for the whole query, failovers included: a caller never waits longer than timeoutMs.
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const start = this.turn++;
    let res: Response | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < baseUrls.length && !signal.aborted; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(FAILOVER_BACKOFF, attempt), signal);
      const baseUrl = baseUrls[(start + attempt) % baseUrls.length];
      res = undefined;
      try {
        res = await fetch(`${baseUrl}${path}`, { method: contract.method, signal, headers: { accept: 'application/json' } });
      } catch (error: unknown) {
        lastError = error; // a dead instance: try the next one
        continue;
      }
      if (res.status < 500 || attempt === baseUrls.length - 1) break;
      await res.body?.cancel(); // a sick instance: the next one may answer
    }
    if (res === undefined) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError ?? 'timed out');
      throw fail('unreachable', `the ${contract.server} service is unreachable: ${reason}`, undefined, lastError);
    }
    const schema = (contract.responses as Partial<Record<number, z.ZodType>>)[res.status];
    if (res.status === 404) {
      await res.body?.cancel();
      throw fail('not-found', `the ${contract.server} service has nothing for this request`, 404);
    }
    if (schema === undefined) {
      await res.body?.cancel();
      throw fail('upstream-status', `the ${contract.server} service answered ${res.status}`, res.status);
    }
    const maxBytes = Math.min(contract.maxResponseBytes, this.options.maxResponseBytes ?? Number.POSITIVE_INFINITY);
    let body: Awaited<ReturnType<typeof readBoundedText>>;
    try {
      body = await readBoundedText(res, maxBytes);
    } catch (error: unknown) {
      throw fail('unreachable', `the ${contract.server} service's answer was cut off: ${error instanceof Error ? error.message : String(error)}`, res.status, error);
    }
    if ('tooLarge' in body) throw fail('too-large', `the ${contract.server} service's answer exceeds ${maxBytes} bytes`, res.status);
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch (error: unknown) {
      throw fail('invalid-response', `the ${contract.server} service returned invalid JSON`, res.status, error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
      throw fail('invalid-response', `the ${contract.server} service's answer does not match ${contract.name} (${where})`, res.status, parsed.error);
    }
    return { status: res.status as QuerySuccessStatus, body: parsed.data } as QueryResultOf<Q>;
  }
}
