import { BlobNotFoundError } from '../blob-errors';
import type { SelectiveEncryptionBlobStore } from './selective-blob-store';

/** `seal`: every plaintext blob sealed in place (switching a store to STORAGE_ENCRYPTION=all). `rewrap`: every sealed blob's data key re-wrapped with the current KEK. */
export type StoreMigration = 'seal' | 'rewrap';

export interface StoreMigrationReport {
  examined: number;
  changed: number;
  /** Blobs that could not be migrated (tampered plaintext, a header naming an unknown key, ...): left as they were. */
  failed: { sha256: string; reason: string }[];
}

/** Failures kept in the report (the rest are counted in `examined` only, so a broken store cannot exhaust memory). */
const MAX_FAILURES = 100;

/**
 * Walks the whole store once, lazily (page by page), applying one idempotent per-blob step. A failure of one blob is
 * recorded and the walk goes on; a blob deleted meanwhile is skipped. Safe to rerun after a crash, and safe if two
 * replicas run it at once (each step rewrites a blob atomically into an equally valid form).
 */
export async function migrateStore(store: SelectiveEncryptionBlobStore, op: StoreMigration, signal?: AbortSignal): Promise<StoreMigrationReport> {
  const report: StoreMigrationReport = { examined: 0, changed: 0, failed: [] };
  for await (const page of store.list(200)) {
    for (const { sha256 } of page) {
      if (signal?.aborted) return report;
      report.examined += 1;
      try {
        if (await (op === 'seal' ? store.seal(sha256) : store.rewrap(sha256))) report.changed += 1;
      } catch (err) {
        if (err instanceof BlobNotFoundError) continue;
        if (report.failed.length < MAX_FAILURES) report.failed.push({ sha256, reason: (err as Error).message });
      }
    }
  }
  return report;
}
