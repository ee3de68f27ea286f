import { readFileSync } from 'node:fs';
import { AuditLogEntryV1, AuditCheckpointPublishedV1, type AuditVerificationV1 } from '@modelguard/contracts';
import { chainLink, ChainVerifier, type ChainedFields, type StoredLink } from '../audit-chain';
import { checkpointSignatureValid } from '../audit-checkpoint';
import { type ChainKey, chainKeyOf } from '../chain-key';

/** A file the offline check cannot use (not there, not entries, not a key): the CLI's exit 2. */
export class OfflineInputError extends Error {}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new OfflineInputError(`${what} ${path}: ${(error as Error).message}`);
  }
}

/**
 * Exported entries as GET /audit/entries serves them: one page (`{ entries }`), an array of entries or of pages, or
 * one entry or page per line (what a loop over the pages appends to a file).
 */
export function readEntries(path: string): AuditLogEntryV1[] {
  const text = readText(path, 'entries file');
  let docs: unknown[];
  try {
    const whole: unknown = JSON.parse(text);
    docs = Array.isArray(whole) ? whole : [whole];
  } catch {
    try {
      docs = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
    } catch {
      throw new OfflineInputError(`entries file ${path}: neither JSON nor one JSON document per line`);
    }
  }
  const raw = docs.flatMap((d) => (d !== null && typeof d === 'object' && 'entries' in d && Array.isArray(d.entries) ? (d.entries as unknown[]) : [d]));
  return raw.map((r, i) => {
    const parsed = AuditLogEntryV1.safeParse(r);
    if (!parsed.success) throw new OfflineInputError(`entries file ${path}: item ${i + 1} is not an audit entry (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  });
}

export function readKeys(paths: readonly string[]): Map<string, ChainKey> {
  const keys = new Map<string, ChainKey>();
  for (const path of paths) {
    try {
      const key = chainKeyOf(readText(path, 'key file'));
      keys.set(key.keyId, key);
    } catch (error) {
      throw new OfflineInputError(error instanceof OfflineInputError ? error.message : `key file ${path}: ${(error as Error).message}`);
    }
  }
  return keys;
}

/** The fields the link covers, back from the served shape (the inverse of audit-log-entry.ts). */
function chainedFieldsOf(e: AuditLogEntryV1): ChainedFields {
  return {
    eventId: e.eventId,
    artifactId: e.artifact?.id ?? null,
    artifactType: e.artifact?.type ?? null,
    artifactName: e.artifact?.name ?? null,
    action: e.action,
    userName: e.actor?.name ?? null,
    userIsAdmin: e.actor?.isAdmin ?? null,
    occurredAt: new Date(e.date),
    status: e.refusal?.status ?? null,
    reason: e.refusal?.reason ?? null,
    httpMethod: e.refusal?.method ?? null,
    route: e.refusal?.route ?? null,
    clientAddress: e.refusal?.clientAddress ?? null,
    message: e.refusal?.message ?? null,
    suppressed: e.refusal?.suppressed ?? null,
    overrideReason: e.override?.reason ?? null,
    overriddenVerdict: e.override?.overridden ?? null,
    subject: e.security?.subject ?? null,
    detail: e.security?.detail ?? null,
  };
}

/**
 * The served entry does not name its key id: the key whose link matches is its key (the chain verifier then checks
 * it like the service does); no key matching leaves the entry "unknown key id" unless its link is wrong anyway.
 */
function storedLinkOf(e: AuditLogEntryV1, keys: ReadonlyMap<string, ChainKey>): StoredLink {
  const fields = chainedFieldsOf(e);
  const match = [...keys.values()].find((k) => chainLink(k, e.prevHash, fields) === e.hash);
  return { ...fields, id: e.id, keyId: match?.keyId ?? [...keys.keys()][0] ?? 'none', prevHash: e.prevHash, hash: e.hash };
}

/**
 * The audit service's verdict (audit-verify.service.ts), computed from an export of the whole log (from its first
 * entry: a partial export breaks at its first entry): every link under the given keys, then the signed checkpoint:
 * its n-th entry must exist and carry its head link.
 */
export function verifyExport(entries: readonly AuditLogEntryV1[], keys: ReadonlyMap<string, ChainKey>, checkpointPath?: string): AuditVerificationV1 {
  let checkpoint: AuditCheckpointPublishedV1 | null = null;
  if (checkpointPath !== undefined) {
    const parsed = AuditCheckpointPublishedV1.safeParse(safeJson(readText(checkpointPath, 'checkpoint file')));
    if (!parsed.success) throw new OfflineInputError(`checkpoint file ${checkpointPath} is not a checkpoint`);
    checkpoint = parsed.data;
  }
  const cp = checkpoint === null ? null : { entries: checkpoint.entries, lastEntryId: checkpoint.lastEntryId, takenAt: checkpoint.takenAt };
  const sorted = [...entries].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
  const verifier = new ChainVerifier(keys);
  for (const entry of sorted) if (!verifier.accept(storedLinkOf(entry, keys))) return { ...verifier.result(), checkpoint: cp };
  const chain = verifier.result();
  if (checkpoint === null || checkpoint.entries === 0) return { ...chain, checkpoint: cp };
  if (!checkpointSignatureValid(checkpoint, keys)) return { ...chain, ok: false, problem: `checkpoint ${checkpointPath} is not signed by any of the given keys`, checkpoint: cp };
  const at = sorted[checkpoint.entries - 1];
  if (at === undefined) return { ...chain, ok: false, entryId: checkpoint.lastEntryId ?? undefined, problem: `truncated: the export has ${sorted.length} entries, the checkpoint of ${checkpoint.takenAt} covers ${checkpoint.entries}`, checkpoint: cp };
  if (at.hash !== checkpoint.head || at.id !== checkpoint.lastEntryId) {
    return { ...chain, ok: false, brokenAt: at.eventId, entryId: at.id, problem: `rewritten: entry ${checkpoint.entries} does not carry the head link of the checkpoint of ${checkpoint.takenAt}`, checkpoint: cp };
  }
  return { ...chain, checkpoint: cp };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
