import type { z } from 'zod';
import type { ServiceName } from './service-name';

/** Success statuses a query may answer with; anything else is a failure for the caller. */
export type QuerySuccessStatus = 200 | 202;

/**
 * One internal query of the catalogue: a synchronous read one service makes of another over its `/internal` HTTP
 * API (never exposed publicly; authorisation is the caller's job). The request schema holds the path parameters
 * (named `:param` in `path`) and the query-string parameters; each success status has its own body schema.
 * `status: 'planned'` declares a read whose server lands in a later issue: it has no route or caller yet.
 */
export interface QueryContract<
  N extends string = string,
  Req extends z.ZodObject = z.ZodObject,
  Res extends Partial<Record<QuerySuccessStatus, z.ZodType>> = Partial<Record<QuerySuccessStatus, z.ZodType>>,
> {
  /** Key of the query in the `Query` map (`Query.ScanReport`). */
  readonly name: N;
  /** One line: what the caller learns. */
  readonly summary: string;
  readonly server: ServiceName;
  readonly callers: readonly ServiceName[];
  readonly status: 'live' | 'planned';
  readonly method: 'GET';
  /** Route on the server, `:param` for path parameters (`/internal/artifacts/:id/scan-report`). */
  readonly path: string;
  readonly request: Req;
  readonly responses: Res;
  /** Largest body the caller accepts; bigger answers are refused, not buffered. */
  readonly maxResponseBytes: number;
}

export function defineQuery<const N extends string, Req extends z.ZodObject, Res extends Partial<Record<QuerySuccessStatus, z.ZodType>>>(
  contract: QueryContract<N, Req, Res>,
): QueryContract<N, Req, Res> {
  return Object.freeze(contract);
}

/** What the caller passes: the request schema's input (path and query-string parameters together). */
export type QueryRequestOf<Q extends QueryContract> = z.input<Q['request']>;

/** What the caller gets back: one `{ status, body }` per declared success status, body typed by its schema. */
export type QueryResultOf<Q extends QueryContract> = {
  [S in keyof Q['responses'] & QuerySuccessStatus]: { status: S; body: z.output<NonNullable<Q['responses'][S]>> };
}[keyof Q['responses'] & QuerySuccessStatus];

/** The names of a route's path parameters, in order (`/a/:id/b/:x` → `['id', 'x']`). */
export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}

/**
 * The request path (with its query string) for validated request values: path parameters are substituted and
 * URL-encoded, the other defined values become the query string in key order.
 */
export function queryPathOf(contract: QueryContract, request: Record<string, unknown>): string {
  const inPath = new Set(pathParamsOf(contract.path));
  const path = contract.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = request[name];
    if (value === undefined || value === null) throw new Error(`${contract.name}: path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const key of Object.keys(request).sort()) {
    const value = request[key];
    if (!inPath.has(key) && value !== undefined && value !== null) search.append(key, String(value));
  }
  const qs = search.toString();
  return qs.length > 0 ? `${path}?${qs}` : path;
}
