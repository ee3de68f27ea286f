// @ts-check
// Gives a benchmark its own compiled copy of the registry. The shared dist/ is rebuilt by other engineers at any
// time (scripts/build.mjs empties it first, and two concurrent builds can leave a stamped but partial tree), which
// would pull modules out from under a running server. So the benchmarks never read dist/: they compile the same way
// scripts/build.mjs does (tsc, then tsc-alias) into a private folder inside the repo, where node_modules resolves.
//
//   node bench/registry/lib/private-dist.mjs <folder>    compiles into <folder>/dist and prints that path
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = 'libs/embedded/src/embedded-app.js';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Compiles apps/libs into `<into>/dist`; throws unless the embedded app came out with its aliases rewritten. */
export function buildPrivateDist(into) {
  const target = join(resolve(into), 'dist');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const run = (bin, args) =>
    spawnSync(process.execPath, [join(repo, 'node_modules', ...bin), ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  // tsc still emits when someone's in-progress file has a type error elsewhere; what we run is checked below.
  run(['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.build.json', '--outDir', target]);
  const aliased = run(['tsc-alias', 'dist', 'bin', 'index.js'], ['-p', 'tsconfig.build.json', '--outDir', target]);
  const entry = join(target, ENTRY);
  if (aliased.status !== 0 || !existsSync(entry) || readFileSync(entry, 'utf8').includes('require("@modelguard/')) {
    throw new Error(`compiling the registry into ${target} failed`);
  }
  return target;
}

/** BENCH_DIST when the caller (run-all.sh) compiled one already, else a fresh private build into `into`. */
export function prepareDist(into) {
  const given = process.env['BENCH_DIST'];
  if (given) {
    if (!existsSync(join(given, ENTRY))) throw new Error(`BENCH_DIST=${given} holds no compiled embedded app`);
    return given;
  }
  console.error('compiling a private copy of the registry (about a minute; run-all.sh does this once for all)');
  return buildPrivateDist(into);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const into = process.argv[2];
  if (!into) {
    console.error('usage: node bench/registry/lib/private-dist.mjs <folder>');
    process.exit(2);
  }
  console.log(buildPrivateDist(into));
}
