import { createHash, createHmac } from 'node:crypto';
import type { ChainKey } from './chain-key';
import type { AuditAction } from './entities/audit-entry.entity';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a REFUSE entry adds; null (or absent) on every other entry. */
export interface RefusalFields {
  status: number | null;
  reason: string | null;
  httpMethod: string | null;
  route: string | null;
  clientAddress: string | null;
  message: string | null;
  suppressed: number | null;
}

/** What an admin's download-gate override adds to its UPDATE entry; null (or absent) elsewhere. */
export interface OverrideFields {
  overrideReason: string | null;
  overriddenVerdict: string | null;
}

/** What a security action (gateway.security-event.v1) adds; null (or absent) elsewhere. */
export interface SecurityFields {
  subject: string | null;
  detail: string | null;
}

export interface ChainedFields extends Partial<RefusalFields>, Partial<OverrideFields>, Partial<SecurityFields> {
  eventId: string;
  artifactId: string | null;
  artifactType: string | null;
  artifactName: string | null;
  action: AuditAction;
  userName: string | null;
  userIsAdmin: boolean | null;
  occurredAt: Date;
}

/**
 * The canonical form that is hashed: a JSON array (fixed field order, no key-order ambiguity) with the
 * timestamp at millisecond precision, which survives the round trip through timestamptz unchanged. An entry with a
 * refusal reason also covers the refusal's facts, an override its reason and the verdict it set aside, a security
 * action its subject and detail (appended, so
 * entries without them keep the exact form, and the link, they were written with).
 */
export function canonicalEntry(e: ChainedFields): string {
  const base: unknown[] = [e.eventId, e.artifactId, e.artifactType, e.artifactName, e.action, e.userName, e.userIsAdmin, e.occurredAt.toISOString()];
  if (e.subject !== null && e.subject !== undefined) return JSON.stringify([...base, 'security', e.subject, e.detail ?? null]);
  if (e.overrideReason !== null && e.overrideReason !== undefined) return JSON.stringify([...base, 'override', e.overrideReason, e.overriddenVerdict ?? null]);
  if (e.reason === null || e.reason === undefined) return JSON.stringify(base);
  return JSON.stringify([...base, e.status ?? null, e.reason, e.httpMethod ?? null, e.route ?? null, e.clientAddress ?? null, e.message ?? null, e.suppressed ?? null]);
}

/**
 * The link of an entry: HMAC-SHA256 under a key the database does not hold, over the previous link and the canonical
 * entry. Whoever can rewrite rows but lacks the key cannot recompute a valid chain after a change.
 */
export function chainLink(key: ChainKey, prevHash: string, entry: ChainedFields): string {
  return createHmac('sha256', key.secret).update(prevHash).update(canonicalEntry(entry)).digest('hex');
}

/** The unkeyed link entries had before keys existed; only the start-up re-link (audit-relink.ts) still reads it. */
export function legacyChainHash(prevHash: string, entry: ChainedFields): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(entry)).digest('hex');
}

export type ChainProblem = 'unkeyed entry' | 'unknown key id' | 'previous link mismatch (an entry before it was removed or reordered)' | 'link does not match the entry';

export interface ChainVerification {
  ok: boolean;
  entries: number;
  /** Event id of the first entry whose link does not verify. */
  brokenAt?: string;
  /** Its position in the log (the entry id), and why it failed. */
  entryId?: string;
  problem?: ChainProblem;
}

export interface StoredLink extends ChainedFields {
  id: string;
  keyId: string | null;
  prevHash: string;
  hash: string;
}

/**
 * Incremental verifier: feed entries in id order (from a cursor, so the log is never loaded whole).
 * Returns false at the first inconsistency. `keys` holds every key id the log may name (current and rotated-out).
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private count = 0;
  private broken: { at: string; entryId: string; problem: ChainProblem } | undefined;

  constructor(private readonly keys: ReadonlyMap<string, ChainKey>) {}

  accept(entry: StoredLink): boolean {
    if (this.broken) return false;
    this.count++;
    const problem = this.problemOf(entry);
    if (problem !== undefined) {
      this.broken = { at: entry.eventId, entryId: entry.id, problem };
      return false;
    }
    this.prev = entry.hash;
    return true;
  }

  private problemOf(entry: StoredLink): ChainProblem | undefined {
    // An unkeyed row after the switch is exactly what a forger without the key would write: never accepted.
    if (entry.keyId === null) return 'unkeyed entry';
    const key = this.keys.get(entry.keyId);
    if (key === undefined) return 'unknown key id';
    if (entry.prevHash !== this.prev) return 'previous link mismatch (an entry before it was removed or reordered)';
    if (chainLink(key, entry.prevHash, entry) !== entry.hash) return 'link does not match the entry';
    return undefined;
  }

  /** The link of the last verified entry (compared with checkpoints). */
  head(): string {
    return this.prev;
  }

  result(): ChainVerification {
    return this.broken
      ? { ok: false, entries: this.count, brokenAt: this.broken.at, entryId: this.broken.entryId, problem: this.broken.problem }
      : { ok: true, entries: this.count };
  }
}
