import { createHash } from 'node:crypto';
import type { AuditAction } from './entities/audit-entry.entity';

/** prev_hash of the first entry (and of the first entry after a registry reset). */
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

export interface ChainedFields extends Partial<RefusalFields> {
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
 * refusal reason also covers the refusal's facts (appended, so entries written before refusals existed keep the
 * exact form, and the hash, they were written with).
 */
export function canonicalEntry(e: ChainedFields): string {
  const base: unknown[] = [e.eventId, e.artifactId, e.artifactType, e.artifactName, e.action, e.userName, e.userIsAdmin, e.occurredAt.toISOString()];
  if (e.reason === null || e.reason === undefined) return JSON.stringify(base);
  return JSON.stringify([...base, e.status ?? null, e.reason, e.httpMethod ?? null, e.route ?? null, e.clientAddress ?? null, e.message ?? null, e.suppressed ?? null]);
}

export function chainHash(prevHash: string, entry: ChainedFields): string {
  return createHash('sha256').update(prevHash).update(canonicalEntry(entry)).digest('hex');
}

export interface ChainVerification {
  ok: boolean;
  entries: number;
  /** Event id of the first entry whose prev_hash or hash does not match. */
  brokenAt?: string;
}

/**
 * Incremental verifier: feed entries in id order (from a cursor, so the log is never loaded whole).
 * Returns false at the first inconsistency.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private count = 0;
  private broken: string | undefined;

  accept(entry: ChainedFields & { prevHash: string; hash: string }): boolean {
    if (this.broken) return false;
    this.count++;
    if (entry.prevHash !== this.prev || chainHash(entry.prevHash, entry) !== entry.hash) {
      this.broken = entry.eventId;
      return false;
    }
    this.prev = entry.hash;
    return true;
  }

  result(): ChainVerification {
    return this.broken ? { ok: false, entries: this.count, brokenAt: this.broken } : { ok: true, entries: this.count };
  }
}
