import {
  type QueryContract,
  type QueryRequestOf,
  type QueryResultOf,
  type QuerySuccessStatus,
  queryPathOf,
  type ServiceName,
} from '@modelguard/contracts';
import type { z } from 'zod';
import { readBoundedText } from './bounded-body';
import { InternalQueryError } from './internal-query.error';

export interface InternalClientOptions {
  /** Base URL of each service's internal API (`http://scan:3000`); a query to a service without one fails `not-configured`. */
  baseUrls: Partial<Record<ServiceName, string | undefined>>;
  /** Wall-clock budget of one query, body included. */
  timeoutMs: number;
  /** Cap on any response body, on top of each contract's own `maxResponseBytes` (the smaller wins). */
  maxResponseBytes?: number;
}

/**
 * Performs internal queries (one service reading another over its `/internal` HTTP API) from their contracts in
 * `@modelguard/contracts`: validates the request, builds the URL, bounds the time and the body size, and parses
 * the answer with the contract's schema for its status. Every failure is an InternalQueryError with a `kind`,
 * never a hang, an `unknown` body or the upstream's raw error text.
 */
export class InternalClient {
  constructor(private readonly options: InternalClientOptions) {}

  async query<Q extends QueryContract>(contract: Q, request: QueryRequestOf<Q>): Promise<QueryResultOf<Q>> {
    const fail = (kind: InternalQueryError['kind'], message: string, status?: number, cause?: unknown) =>
      new InternalQueryError(kind, contract.name, contract.server, message, status, cause === undefined ? undefined : { cause });
    const parsedRequest = contract.request.safeParse(request);
    if (!parsedRequest.success) throw fail('invalid-request', `${contract.name} request is invalid: ${parsedRequest.error.issues.map((i) => i.message).join('; ')}`);
    const baseUrl = this.options.baseUrls[contract.server];
    if (baseUrl === undefined || baseUrl.length === 0) throw fail('not-configured', `the ${contract.server} service is not configured`);
    const url = `${baseUrl.replace(/\/+$/, '')}${queryPathOf(contract, parsedRequest.data as Record<string, unknown>)}`;

    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { method: contract.method, signal, headers: { accept: 'application/json' } });
    } catch (error: unknown) {
      throw fail('unreachable', `the ${contract.server} service is unreachable: ${error instanceof Error ? error.message : String(error)}`, undefined, error);
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
