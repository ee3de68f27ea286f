import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuditCheckpointPublishedV1 } from '@modelguard/contracts';
import type { ChainKey } from './chain-key';

/** A signed statement "the log held `entries` entries and the newest one's link was `head`" (the Kafka payload). */
export type AuditCheckpoint = AuditCheckpointPublishedV1;

/** Domain separation: a checkpoint signature can never be replayed as an entry link, nor the reverse. */
function signedForm(c: Omit<AuditCheckpoint, 'signature'>): string {
  return `modelguard-audit-checkpoint\0${JSON.stringify([c.entries, c.lastEntryId, c.head, c.keyId, c.takenAt])}`;
}

export function signCheckpoint(key: ChainKey, c: Omit<AuditCheckpoint, 'signature' | 'keyId'>): AuditCheckpoint {
  const unsigned = { ...c, keyId: key.keyId };
  return { ...unsigned, signature: createHmac('sha256', key.secret).update(signedForm(unsigned)).digest('hex') };
}

/** True when the checkpoint is well formed and signed by one of `keys`. */
export function checkpointSignatureValid(c: AuditCheckpoint, keys: ReadonlyMap<string, ChainKey>): boolean {
  const key = keys.get(c.keyId);
  if (key === undefined || !/^[0-9a-f]{64}$/.test(c.signature)) return false;
  const expected = createHmac('sha256', key.secret).update(signedForm(c)).digest();
  return timingSafeEqual(expected, Buffer.from(c.signature, 'hex'));
}

/**
 * The newest checkpoint this replica knows, kept outside the database: in memory and in a file (written to a
 * temporary name and renamed, so a crash never leaves half a checkpoint). Entry counts only grow (the log is never
 * erased), so "newest" is "most entries".
 */
export class CheckpointStore {
  private latest: AuditCheckpoint | null = null;

  constructor(
    private readonly file: string,
    private readonly keys: ReadonlyMap<string, ChainKey>,
  ) {}

  /** Loads the file; a missing file is no checkpoint, a forged or unreadable one is an error the verifier reports. */
  load(): { checkpoint: AuditCheckpoint | null; problem?: string } {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoint: this.latest };
      throw error;
    }
    const parsed = AuditCheckpointPublishedV1.safeParse(safeJson(text));
    if (!parsed.success || !checkpointSignatureValid(parsed.data, this.keys)) return { checkpoint: this.latest, problem: `checkpoint file ${this.file} is malformed or its signature does not verify` };
    this.remember(parsed.data);
    return { checkpoint: this.latest };
  }

  /** Keeps `c` when it is newer than what is known (the caller checked the signature); true when it was kept. */
  offer(c: AuditCheckpoint): boolean {
    if (!this.remember(c)) return false;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(c)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    return true;
  }

  private remember(c: AuditCheckpoint): boolean {
    if (this.latest !== null && this.latest.entries >= c.entries) return false;
    this.latest = c;
    return true;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
