#!/usr/bin/env node
// Benchmark: our scanner vs a picklescan-style Python baseline on large benign files.
// Usage: node bench/scan/run.mjs [scale]   (scale 1 = 1 GiB torch zip, 1 GiB safetensors, 200 MiB pickle)
import { spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const out = join(repo, 'bench/.out/scan');
const dist = join(out, 'dist');
const files = join(out, 'files');
const scale = process.argv[2] ?? '1';
mkdirSync(files, { recursive: true });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, cwd: repo });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Runs a scanner child; `wall` is measured from outside and includes interpreter start-up. */
function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const res = JSON.parse(run(cmd, args));
  return { ...res, wall: Number(process.hrtime.bigint() - t0) / 1e9 };
}

console.error('building the scanner into', dist);
spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'libs/scanner/tsconfig.lib.json'), '--outDir', dist], { stdio: 'inherit' });
console.error('generating benchmark files (scale', scale + ')');
run('python3', [join(here, 'make_files.py'), files, scale]);

const names = ['torch_1g.pt', 'model_1g.safetensors', 'objects_200m.pkl'];
const rows = [];
for (const name of names) {
  const file = join(files, name);
  // Warm the page cache so both scanners read from memory, not from whichever disk state the other left.
  await new Promise((res, rej) => createReadStream(file, { highWaterMark: 8 << 20 }).on('data', () => {}).on('end', res).on('error', rej));
  const size = statSync(file).size;
  const ours = timed(process.execPath, [join(here, 'scan-one.cjs'), dist, file]);
  const base = timed('python3', [join(here, 'baseline.py'), file]);
  rows.push({ name, size, ours, base });
}

const mb = (b) => b / (1 << 20);
const pad = (s, n) => String(s).padStart(n);
console.log(['file'.padEnd(22), pad('size MiB', 9), pad('ours MB/s', 11), pad('base MB/s', 11), pad('ratio', 8), pad('CPU ratio', 10), pad('ours RSS MiB', 13), pad('base RSS MiB', 13), '  ours verdict'].join(' '));
for (const r of rows) {
  const o = mb(r.size) / r.ours.wall;
  const b = mb(r.size) / r.base.wall;
  console.log([r.name.padEnd(22), pad(mb(r.size).toFixed(0), 9), pad(o.toFixed(0), 11), pad(b.toFixed(0), 11), pad((o / b).toFixed(1) + 'x', 8), pad((r.base.cpu / r.ours.cpu).toFixed(1) + 'x', 10), pad((r.ours.maxrss_kb / 1024).toFixed(0), 13), pad((r.base.maxrss_kb / 1024).toFixed(0), 13), '  ' + r.ours.verdict + ' (' + r.ours.format + ')'].join(' '));
}
console.log('\nMB/s and ratio use whole-process wall time (start-up included); CPU ratio = baseline CPU s / ours CPU s');
console.log('(CPU time is the fairer figure on a loaded machine). Seconds (wall / inside the scanner / CPU):');
for (const r of rows) {
  const f = (x) => `${x.wall.toFixed(2)} / ${x.seconds.toFixed(2)} / ${x.cpu.toFixed(2)} s`;
  console.log(`  ${r.name}: ours ${f(r.ours)}, baseline ${f(r.base)}`);
}
