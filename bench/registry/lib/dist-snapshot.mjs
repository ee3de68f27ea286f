// Gives a benchmark its own copy of the compiled registry. Other engineers rebuild dist/ in this shared checkout at
// any time (scripts/build.mjs empties it first), which would pull modules out from under a running server; a private
// copy cannot change mid-run. The copy must sit inside the repo so Node still resolves node_modules from it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ENTRY = 'apps/embedded/src/embedded-app.js';

/** Copies dist/ if it holds one complete build (stamp present and unchanged while copying); null otherwise. */
async function trySnapshot(repo, target) {
  const stamp = join(repo, 'dist', '.build-stamp');
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = existsSync(stamp) ? statSync(stamp).mtimeMs : null;
    if (before !== null) {
      rmSync(target, { recursive: true, force: true });
      cpSync(join(repo, 'dist'), target, { recursive: true });
      const after = existsSync(stamp) ? statSync(stamp).mtimeMs : null;
      if (after === before && existsSync(join(target, ENTRY))) return target;
    }
    await sleep(3000);
  }
  return null;
}

/** The same two steps as scripts/build.mjs (tsc, then tsc-alias), emitted into `target` instead of dist/. */
function privateBuild(repo, target) {
  const run = (bin, args) => spawnSync(process.execPath, [join(repo, 'node_modules', ...bin), ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  // tsc still emits when someone's in-progress file has a type error; the registry code we run is what matters.
  run(['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.build.json', '--outDir', target]);
  const aliased = run(['tsc-alias', 'dist', 'bin', 'index.js'], ['-p', 'tsconfig.build.json', '--outDir', target]);
  const entry = join(target, ENTRY);
  if (aliased.status !== 0 || !existsSync(entry) || readFileSync(entry, 'utf8').includes("require(\"@modelguard/")) {
    throw new Error('private build of the registry failed; try `node scripts/build.mjs`');
  }
  return target;
}

/**
 * Returns a dist folder to run: BENCH_DIST when the caller (run-all.sh) prepared one, else a snapshot of dist/ taken
 * into `into`, else a private build into `into` when dist/ is missing or being rebuilt.
 */
export async function prepareDist(repo, into) {
  const given = process.env['BENCH_DIST'];
  if (given) {
    if (!existsSync(join(given, ENTRY))) throw new Error(`BENCH_DIST=${given} holds no embedded app`);
    return given;
  }
  mkdirSync(into, { recursive: true });
  const target = join(into, 'dist');
  const snap = await trySnapshot(repo, target);
  if (snap !== null) return snap;
  console.error('dist/ is missing or being rebuilt; compiling a private copy (about a minute)');
  rmSync(target, { recursive: true, force: true });
  return privateBuild(repo, target);
}
