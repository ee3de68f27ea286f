#!/usr/bin/env node
// Benchmark: header-only formats (PyTorch zip, safetensors, GGUF) at 1 GiB, scanned in-process.
// Usage: node bench/scan/header-only.mjs [runs]   (files: make_header_only.py, sparse, so they cost no disk)
// Times `scanInputInProcess(openBlockingFileInput(file))` — what each scan-pool worker runs for the scan
// service's scanFile — warm, median and p95 of `runs`, open/close included; the same with the promise-based
// `openFileInput` (the library's public file input); the bytes the process read per scan (/proc/self/io rchar,
// to show that tensor data is not read); and the median of 5 warm `scanFile` calls through the shared worker
// pool (the service's call, thread hop and structured clone of the report included).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const out = join(repo, 'bench/.out/scan');
const dist = join(out, 'dist');
const files = join(out, 'files');
const runs = Number(process.argv[2] ?? 31);

if (!process.env.SKIP_BUILD) {
  console.error('building the scanner into', dist);
  const b = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'libs/scanner/tsconfig.lib.json'), '--outDir', dist], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}
const g = spawnSync('python3', [join(here, 'make_header_only.py'), files], { stdio: 'inherit' });
if (g.status !== 0) process.exit(1);

const lib = createRequire(import.meta.url)(join(dist, 'libs/scanner/src/index.js'));
const options = lib.defaultScanOptions();
const rchar = () => Number(/rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1]);

async function inProcess(file, open = lib.openBlockingFileInput) {
  const input = await open(file);
  try {
    return await lib.scanInputInProcess(input, options);
  } finally {
    await input.close();
  }
}

const names = ['ho_torch_1g.pt', 'ho_model_1g.safetensors', 'ho_model_1g.gguf'];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${runs} warm runs each`);
console.log(['file'.padEnd(26), 'GiB'.padStart(5), 'format'.padStart(12), 'verdict'.padStart(9), 'median ms'.padStart(10), 'p95 ms'.padStart(8), 'async ms'.padStart(9), 'read/scan'.padStart(11), 'pool ms'.padStart(8)].join(' '));
for (const name of names) {
  const file = join(files, name);
  for (let i = 0; i < 5; i++) await inProcess(file);
  const r0 = rchar();
  const rep = await inProcess(file);
  const readBytes = rchar() - r0;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await inProcess(file);
    times.push(ms(t0));
  }
  const async = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await inProcess(file, lib.openFileInput);
    async.push(ms(t0));
  }
  await lib.scanFile(file, options); // start the shared pool's worker
  const pool = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    await lib.scanFile(file, options);
    pool.push(ms(t0));
  }
  const size = statSync(file).size / 2 ** 30;
  console.log([name.padEnd(26), size.toFixed(2).padStart(5), rep.format.padStart(12), rep.verdict.padStart(9), q(times, 0.5).toFixed(2).padStart(10), q(times, 0.95).toFixed(2).padStart(8), q(async, 0.5).toFixed(2).padStart(9), `${(readBytes / 1024).toFixed(0)} KiB`.padStart(11), q(pool, 0.5).toFixed(1).padStart(8)].join(' '));
  if (rep.findings.length) console.log('   findings:', rep.findings.map((f) => f.ruleId).join(', '));
}
await lib.closeSharedPool();
