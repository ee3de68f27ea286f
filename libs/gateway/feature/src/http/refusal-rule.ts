import { ARTIFACT_TYPES } from '@modelguard/domain';
import { ArtifactIdSchema, REFUSAL_ADDRESS_MAX, REFUSAL_MESSAGE_MAX, REFUSAL_ROUTE_MAX, type RefusalReason } from '@modelguard/contracts';
import { isPackageError } from '@modelguard/packages';
import { ClientError } from '../domain/client-error';

/**
 * Which answers are refusals the security log records (issue 10: "every refusal is an audit entry"):
 * - 401, 403, 413, 423, 424, 429: always; classified by status when the thrower names no reason.
 * - 400 and 409: only when the thrower names a reason (hostile input such as an SSRF source URL or a hostile
 *   archive; a download gate that is still pending). An ordinary malformed request or a name conflict is a client
 *   mistake, not a refusal worth a log entry.
 * - Any other 4xx only when a reason is named; 404 and every 5xx never (not found is not refused; a server fault is
 *   the server's, and is logged as such).
 */
const ALWAYS: ReadonlyMap<number, RefusalReason> = new Map<number, RefusalReason>([
  [401, 'forbidden'],
  [403, 'forbidden'],
  [413, 'too-large'],
  [423, 'refused'],
  [424, 'refused'],
  [429, 'rate-limited'],
]);

/** The reason a refusal is recorded under, or null when the answer is not an audited refusal. */
export function refusalReasonOf(exception: unknown, status: number): RefusalReason | null {
  if (status < 400 || status > 499 || status === 404) return null;
  const named = exception instanceof ClientError ? exception.reason : isPackageError(exception) ? 'hostile-input' : undefined;
  return named ?? ALWAYS.get(status) ?? null;
}

/** What a route names, read from Express's matched route (no route matched: a middleware refused first). */
export interface RouteFacts {
  route: string;
  artifact: { id: string; type: (typeof ARTIFACT_TYPES)[number] | null } | null;
}

interface RoutedRequest {
  baseUrl?: string;
  path?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
}

/**
 * The route template, never the raw URL (which may carry anything the client chose): the matched route, else a
 * coarse `/first-segment/*` when the first segment is a plain word, else `/*`.
 */
export function routeFactsOf(req: RoutedRequest): RouteFacts {
  const template = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : coarseTemplate(req.path ?? '');
  const params = req.params ?? {};
  const id = params['id'];
  const rawType = params['artifact_type'];
  const type = ARTIFACT_TYPES.find((t) => t === rawType) ?? (template.startsWith('/artifact/model/') ? 'model' : null);
  const artifact = typeof id === 'string' && ArtifactIdSchema.safeParse(id).success ? { id, type } : null;
  return { route: bounded(template, REFUSAL_ROUTE_MAX), artifact };
}

function coarseTemplate(path: string): string {
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length === 0) return '/';
  const first = /^[A-Za-z][A-Za-z0-9_-]{0,40}$/.test(segments[0]) ? segments[0] : '*';
  return segments.length === 1 && first !== '*' ? `/${first}` : `/${first}/*`;
}

/** The client-facing message, bounded and scrubbed of anything credential-shaped (URL user info, bearer tokens, JWTs). */
export function scrubMessage(message: string): string {
  // Cut first: the URL pattern backtracks over every run of scheme-like letters, so on a 64 KB message (a monitor
  // program's stdout) it is quadratic and stalled the event loop for seconds. A URL cut in its user info by the
  // slice is masked by the second pattern, so nothing credential-shaped survives the cut either.
  const scrubbed = message
    .slice(0, REFUSAL_MESSAGE_MAX + 1)
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*$/i, '$1***')
    .replace(/bearer\s+\S+/gi, 'bearer ***')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '***');
  return bounded(scrubbed, REFUSAL_MESSAGE_MAX);
}

export function boundedAddress(address: string): string {
  return address.slice(0, REFUSAL_ADDRESS_MAX);
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
