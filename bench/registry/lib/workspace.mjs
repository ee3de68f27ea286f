// @ts-check
// Per-run scratch space: a private build of the registry inside the repo (so node_modules resolves) and a data dir
// under the OS temp dir. Both are removed when the benchmark ends, fails or is interrupted.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDist } from './private-dist.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Creates the folders for one benchmark run; `label` names them (with the pid, so parallel runs cannot collide). */
export async function createWorkspace(label) {
  const tag = `${label}-${process.pid}`;
  const buildDir = join(repoRoot, 'bench/registry', `.work-${tag}`);
  const tmp = join(tmpdir(), `modelguard-bench-${tag}`);
  const cleanups = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((err) => console.error('cleanup:', err.message));
    // A server still flushing into its data dir can make one removal fail (ENOTEMPTY); retry, and never let the
    // cleanup's error replace the benchmark's own (it runs in `finally`).
    for (const dir of [tmp, buildDir]) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch (err) {
        console.error(`cleanup: could not remove ${dir}: ${err instanceof Error ? err.message : err}`);
      }
    }
  };
  const onSignal = () => cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  mkdirSync(tmp, { recursive: true });
  let dist;
  try {
    dist = prepareDist(buildDir);
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    dist,
    tmp,
    dataDir: (name) => join(tmp, name),
    /** Registers work (e.g. stopping a server) to run before the folders are removed. */
    onCleanup: (fn) => cleanups.push(fn),
    cleanup,
  };
}
