import { opendir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the gateway itself creates in its scratch directory: upload spools and monitor-run directories. */
const SPOOL_ENTRY = /^upload-[0-9a-f-]{36}\.zip$/;
const MONITOR_RUN = /^run-[A-Za-z0-9]{6}$/;
/** Resumable upload sessions' spools (packages/upload-sessions.service.ts), swept on their own, longer, cutoff. */
const SESSION_ENTRY = /^session-[0-9a-f-]{36}\.part$/;

/**
 * Removes upload spool files (packages/upload-spool.ts) and sensitive-model monitor run directories
 * (sensitive/download-monitor.service.ts) last modified before `cutoffMs`: a process that died mid-upload or mid-run
 * never reached its `finally` cleanup. Only names the gateway generates are touched, so a scratch directory pointed
 * at a shared place (/tmp) never loses anyone else's files. Returns how many entries were removed.
 */
export async function sweepSpool(tmpDir: string, cutoffMs: number, sessionCutoffMs = cutoffMs): Promise<number> {
  let removed = await sweepMatching(tmpDir, SPOOL_ENTRY, cutoffMs);
  removed += await sweepMatching(tmpDir, SESSION_ENTRY, sessionCutoffMs);
  removed += await sweepMatching(join(tmpDir, 'monitor'), MONITOR_RUN, cutoffMs);
  return removed;
}

async function sweepMatching(dir: string, pattern: RegExp, cutoffMs: number): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await opendir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  for await (const entry of entries) {
    if (!pattern.test(entry.name)) continue;
    const path = join(dir, entry.name);
    const s = await stat(path).catch(() => null);
    if (s !== null && s.mtimeMs < cutoffMs) {
      await rm(path, { recursive: true, force: true });
      removed += 1;
    }
  }
  return removed;
}
