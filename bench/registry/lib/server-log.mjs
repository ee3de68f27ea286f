// @ts-check
// Registry processes log to a file instead of the terminal, so error bursts (e.g. one line per failed request under
// load) do not bury the result tables; the benchmark prints a short digest of that file instead.
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/** Opens `path` for the child's stdout/stderr; returns the fd to pass in stdio and a closer. */
export function openServerLog(path) {
  const fd = openSync(path, 'a');
  return { fd, close: () => closeSync(fd) };
}

/**
 * Counts error/warn lines in a JSON-lines (or plain) log and returns the most frequent error messages, each with
 * the first line of its stack, e.g. "37x GET /x failed: Error: timeout exceeded when trying to connect".
 */
export function digestServerLog(path, top = 3) {
  if (!existsSync(path)) return { errors: 0, warnings: 0, topErrors: [] };
  const counts = new Map();
  let errors = 0;
  let warnings = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = { level: /error/i.test(line) ? 'error' : 'info', msg: line };
    }
    if (entry.level === 'warn') warnings++;
    if (entry.level !== 'error' && entry.level !== 'fatal') continue;
    errors++;
    // The gateway's logger nests the error under `err` ({ message, stack, cause }); older lines carry `stack`/`error`.
    const err = entry.err && typeof entry.err === 'object' ? entry.err : null;
    const cause = typeof entry.stack === 'string' ? entry.stack.split('\n')[0] : (entry.error ?? err?.message ?? err?.type ?? '');
    // Ids in paths differ per request; strip hex runs so identical failures group together.
    const key = `${String(entry.msg).replace(/[0-9a-f]{16,}/g, '<id>')}: ${cause}`.slice(0, 200);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const topErrors = [...counts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([msg, n]) => `${n}x ${msg}`);
  return { errors, warnings, topErrors };
}

/** Prints the digest under a result table. */
export function printLogDigest(path, label = 'registry log') {
  const d = digestServerLog(path);
  console.log(`${label}: ${d.errors} error lines, ${d.warnings} warnings`);
  for (const line of d.topErrors) console.log(`  ${line}`);
}

/** The last `lines` lines of the log, for start-up failures (the log file itself is removed with the workspace). */
export function logTail(path, lines = 30) {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
