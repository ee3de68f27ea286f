// Compiles the monorepo to plain CommonJS under dist/ so apps run with `node dist/apps/<name>/src/main.js`
// and no runtime hook (no ts-node, no tsconfig-paths):
//   1. tsc -p tsconfig.build.json        emits dist/apps/**, dist/libs/**, dist/bin/**
//   2. tsc-alias -p tsconfig.build.json  rewrites `@modelguard/*` imports in the emitted JS to relative paths
//   3. the web interface (apps/web)     tsc checks it, Vite bundles it into dist/web (the gateway serves those files)
//   4. check-runtime-deps --dist         fails if dist/ holds test code or requires a devDependency
// The build is skipped when dist/.build-stamp is newer than every input (sources and the tsconfig/package files)
// and names the same inputs, so that a deleted or renamed file counts as a change (build-inputs.mjs).
// `--force` rebuilds anyway.
//
//   node scripts/build.mjs [--force]     exit 0 when dist/ is current, 1 when compilation failed
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCurrent, scanInputs, writeStamp } from './build-inputs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(root, 'dist');
const stampFile = join(distDir, '.build-stamp');
const tsconfig = 'tsconfig.build.json';

/** Runs a package's CLI with this Node; returns whether it exited 0. */
function run(label, bin, args) {
  const t0 = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'node_modules', ...bin), ...args], { cwd: root, stdio: 'inherit' });
  const ok = result.status === 0;
  const took = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  console.error(`[build] ${label} ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${took}`);
  return ok;
}

/** Runs one of our scripts with this Node; returns whether it exited 0. */
function runScript(script, args) {
  return spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: 'inherit' }).status === 0;
}

const force = process.argv.includes('--force');
const inputs = scanInputs(root);
if (!force && isCurrent(stampFile, inputs)) {
  console.error('[build] dist/ is up to date (skipped; --force rebuilds)');
  process.exit(0);
}

// Start from an empty dist/ so JS of deleted or renamed sources cannot linger and be loaded by mistake.
rmSync(distDir, { recursive: true, force: true });
const compiled = run(`tsc -p ${tsconfig}`, ['typescript', 'bin', 'tsc'], ['-p', tsconfig]);
// tsc emits JS even when it reports type errors; alias it anyway so what is in dist/ is at least loadable
// while debugging, but without a stamp: the next build retries and the build still counts as failed.
const aliased = existsSync(distDir) && run(`tsc-alias -p ${tsconfig}`, ['tsc-alias', 'dist', 'bin', 'index.js'], ['-p', tsconfig]);
// The browser app has its own program (DOM, JSX): checked by tsc, bundled by Vite; only its static files ship.
const web =
  run('tsc -p apps/web/tsconfig.json', ['typescript', 'bin', 'tsc'], ['-p', 'apps/web/tsconfig.json']) &&
  run('vite build (apps/web)', ['vite', 'bin', 'vite.js'], ['build', '--config', 'apps/web/vite.config.mjs']);
const shippable = compiled && aliased && web && runScript('check-runtime-deps.mjs', ['--dist']);
if (!compiled || !aliased || !web || !shippable) {
  console.error('[build] FAILED: fix the errors above (dist/ is not marked current)');
  process.exit(1);
}
writeStamp(stampFile, inputs);
