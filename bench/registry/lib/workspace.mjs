// Per-run scratch space: a dist snapshot inside the repo (so node_modules resolves) and a data dir under the OS temp
// dir. Both are removed when the benchmark ends, fails or is interrupted.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDist } from './dist-snapshot.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function createWorkspace(label) {
  const tag = `${label}-${process.pid}`;
  const snapshotDir = join(repoRoot, 'bench/registry', `.work-${tag}`);
  const tmp = join(tmpdir(), `modelguard-bench-${tag}`);
  const cleanups = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((err) => console.error('cleanup:', err.message));
    rmSync(tmp, { recursive: true, force: true });
    rmSync(snapshotDir, { recursive: true, force: true });
  };
  const onSignal = () => cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  mkdirSync(tmp, { recursive: true });
  const dist = await prepareDist(repoRoot, snapshotDir);
  return {
    dist,
    tmp,
    dataDir: (name) => join(tmp, name),
    /** Registers work (e.g. stopping a server) to run before the folders are removed. */
    onCleanup: (fn) => cleanups.push(fn),
    cleanup,
  };
}
