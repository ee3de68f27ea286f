import { ArtifactIdSchema, type AuditLogAction, AuditLogActionSchema, type AuditLogEntryV1 } from '@modelguard/contracts';
import { ClientError } from '../domain/client-error';

/** What one stream follows: the same filters as `GET /audit/entries` (artifact id, actor name, action). */
export interface AuditStreamFilter {
  artifact?: string;
  actor?: string;
  action?: AuditLogAction;
}

export interface AuditStreamRequest {
  filter: AuditStreamFilter;
  /** Entries after this id are replayed before the stream goes live; null: live from the current head. */
  resumeAfter: bigint | null;
}

const KNOWN = new Set(['artifact', 'actor', 'action', 'lastEventId']);
const EVENT_ID = /^\d{1,19}$/;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  // ?action=A&action=B arrives as an array: one value per filter, never a silent pick.
  if (typeof value !== 'string') throw new ClientError(400, `${name} must be given once`);
  return value;
}

/**
 * Validates the stream's query and resume point. Unknown parameters are refused too: a misspelt filter would
 * otherwise stream everything. `Last-Event-ID` (what EventSource sends on reconnect) wins over `?lastEventId=`
 * (what a browser can set on the first connection).
 */
export function parseAuditStreamRequest(query: Record<string, unknown>, lastEventIdHeader: string | string[] | undefined): AuditStreamRequest {
  for (const name of Object.keys(query)) if (!KNOWN.has(name)) throw new ClientError(400, `unknown parameter ${name.slice(0, 40)} (filters: artifact, actor, action; lastEventId)`);
  const filter: AuditStreamFilter = {};
  const artifact = single(query, 'artifact');
  if (artifact !== undefined) {
    if (!ArtifactIdSchema.safeParse(artifact).success) throw new ClientError(400, 'artifact must match ^[a-zA-Z0-9-]+$ (max 128)');
    filter.artifact = artifact;
  }
  const actor = single(query, 'actor');
  if (actor !== undefined) {
    if (actor.length > 256) throw new ClientError(400, 'actor must be at most 256 characters');
    filter.actor = actor;
  }
  const action = single(query, 'action');
  if (action !== undefined) {
    const parsed = AuditLogActionSchema.safeParse(action);
    if (!parsed.success) throw new ClientError(400, `action must be one of ${AuditLogActionSchema.options.join(', ')}`);
    filter.action = parsed.data;
  }
  const header = Array.isArray(lastEventIdHeader) ? lastEventIdHeader[0] : lastEventIdHeader;
  const raw = header !== undefined && header !== '' ? header : single(query, 'lastEventId');
  if (raw !== undefined && !EVENT_ID.test(raw)) throw new ClientError(400, 'Last-Event-ID must be an entry id (digits)');
  return { filter, resumeAfter: raw === undefined ? null : BigInt(raw) };
}

/** The filter applied to an entry the follower saw (the audit query applies the same one during replay). */
export function matchesFilter(filter: AuditStreamFilter, entry: AuditLogEntryV1): boolean {
  if (filter.action !== undefined && entry.action !== filter.action) return false;
  if (filter.actor !== undefined && entry.actor?.name !== filter.actor) return false;
  if (filter.artifact !== undefined && entry.artifact?.id !== filter.artifact) return false;
  return true;
}
