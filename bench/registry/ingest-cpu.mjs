#!/usr/bin/env node
// @ts-check
// The upload path's unzip step alone (issue 13: profile, then fix): ingestZipToBlobStore of one model package into an
// fs BlobStore, in this process, reporting CPU time (user + system, which a loaded shared machine disturbs far less
// than wall time) and wall time per run. Compare two builds of the code under the same conditions:
//
//   node bench/registry/ingest-cpu.mjs --dist <compiled dist> [--mib 256] [--runs 5]
//   (bench/registry/lib/private-dist.mjs <folder> compiles one; run the script once per build, alternating)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeModelPackage } from './lib/package-zip.mjs';

const MiB = 1024 * 1024;
const { values: args } = parseArgs({ options: { dist: { type: 'string' }, mib: { type: 'string', default: '256' }, runs: { type: 'string', default: '5' } } });
if (!args.dist) throw new Error('--dist <compiled dist folder> is required');
const require = createRequire(import.meta.url);
const dist = resolve(args.dist);
const { ingestZipToBlobStore } = require(join(dist, 'libs/packages/src/index.js'));
const { FsBlobStore } = require(join(dist, 'libs/platform/storage/src/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'mg-ingest-cpu-'));
try {
  const zipPath = join(dir, 'package.zip');
  const pkg = await writeModelPackage(zipPath, { weightBytes: Number(args.mib) * MiB, shards: 4 });
  const limits = { maxZipEntries: 10_000, maxZipRatio: 200, maxUnpackedBytes: 20 * 1024 * MiB };
  const cpu = [];
  const wall = [];
  for (let i = 0; i < Number(args.runs); i += 1) {
    const root = join(dir, `store-${i}`); // a fresh store each run, or every put after the first only deduplicates
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const manifest = await ingestZipToBlobStore(zipPath, new FsBlobStore(root), limits);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (manifest.length < 4) throw new Error('package came out incomplete');
    rmSync(root, { recursive: true, force: true });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mb = pkg.zipBytes / MiB;
  console.log(`${args.dist}: ${mb.toFixed(0)} MiB package, ${args.runs} runs; median CPU ${median(cpu).toFixed(0)} ms (${(mb / (median(cpu) / 1000)).toFixed(0)} MiB per CPU-second), median wall ${median(wall).toFixed(0)} ms (${(mb / (median(wall) / 1000)).toFixed(0)} MiB/s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
