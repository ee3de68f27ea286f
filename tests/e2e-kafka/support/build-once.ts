import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

let built = false;

/**
 * Multi-process tests run the compiled apps. scripts/test.sh builds before the suites; when a single file
 * runs on its own, build here (incremental: skipped when dist/ is current). A type error elsewhere in
 * the repo still leaves runnable JS, so only a missing main.js is fatal (spawnService reports it).
 */
export function buildOnce(): void {
  if (built) return;
  built = true;
  const root = resolve(__dirname, '../../..');
  spawnSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore' });
}
