import type { BigIntStats } from 'node:fs';

/** Options of the fs store's verified-stat memory (FsBlobStore's `verifiedStats` option). */
export interface VerifiedStatOptions {
  /** How many blobs are remembered (least recently used dropped first); 0 turns the fast path off. */
  maxEntries?: number;
  /**
   * A file whose ctime is less than this old when its read starts is "racily verified" (git's racily-clean index
   * entries): a write in the same timestamp tick would leave ctime unchanged, so it is hashed again next time.
   * Covers the kernel's coarse clock (a few ms) and file systems with 1 s timestamps.
   */
  racyMarginMs?: number;
  /**
   * Re-hash a remembered blob after this long anyway. A write through the file system always changes ctime, but
   * media corruption under it does not; this bounds how long such damage could be served unnoticed.
   */
  maxAgeMs?: number;
}

interface Identity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  recordedAt: number;
}

const DEFAULTS: Required<VerifiedStatOptions> = { maxEntries: 4096, racyMarginMs: 2000, maxAgeMs: 15 * 60_000 };

/**
 * Which blob files this process has hashed and found to match their names, by file identity (like git's index):
 * device, inode, size, mtime and ctime. ctime cannot be set by an unprivileged writer and every write, truncate,
 * rename onto the name (new inode), chmod or utimes changes it, so a later read of a file with the same identity
 * reads the same bytes without hashing them again. In-process and bounded: a restart, an eviction or a changed
 * file only costs one more hashed read.
 */
export class VerifiedStats {
  private readonly opts: Required<VerifiedStatOptions>;
  private readonly entries = new Map<string, Identity>();

  constructor(opts: VerifiedStatOptions = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Whether `st` (an fstat of the opened file) is the very file this process verified as `sha256`. */
  matches(sha256: string, st: BigIntStats, now = Date.now()): boolean {
    const known = this.entries.get(sha256);
    if (known === undefined) return false;
    if (now - known.recordedAt > this.opts.maxAgeMs || !sameFile(known, st)) {
      this.entries.delete(sha256);
      return false;
    }
    // Most recently used last, so the first key is the one to evict.
    this.entries.delete(sha256);
    this.entries.set(sha256, known);
    return true;
  }

  /**
   * Remembers that the file read as `sha256` hashed correctly. `before` is the fstat taken when it was opened,
   * `after` a stat once every byte was read and checked, `startedAt` when the read began (wall clock). Nothing is
   * recorded if the file changed meanwhile or its ctime is too recent to exclude an unnoticed write.
   */
  record(sha256: string, before: BigIntStats, after: BigIntStats, startedAt: number): void {
    if (this.opts.maxEntries <= 0 || !sameFile(identityOf(before, 0), after)) return;
    if (startedAt - Number(before.ctimeNs / 1_000_000n) < this.opts.racyMarginMs) return;
    this.entries.delete(sha256);
    this.entries.set(sha256, identityOf(before, Date.now()));
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Drops what is known about `sha256` (its file was deleted or replaced by this store). */
  forget(sha256: string): void {
    this.entries.delete(sha256);
  }
}

function identityOf(st: BigIntStats, recordedAt: number): Identity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, recordedAt };
}

function sameFile(a: Identity, st: BigIntStats): boolean {
  return a.dev === st.dev && a.ino === st.ino && a.size === st.size && a.mtimeNs === st.mtimeNs && a.ctimeNs === st.ctimeNs;
}
