#!/usr/bin/env node
// Benchmark: the whole CLI (`node bin/modelguard.js scan FILE --format json`, worker pool included) on one big
// pickle, for one or more scanner builds, against the pickletools.genops walk (baseline.py) on the same file.
// Usage: node bench/scan/pickle-cli.mjs FILE RUNS DIST [DIST…]   (DIST: a scanner build root, e.g. a tsc --outDir
// of libs/scanner/tsconfig.lib.json inside the repo so node_modules resolve; builds alternate run by run).
// Prints median wall / CPU (user+sys) / peak RSS per build from /usr/bin/time, the baseline's, and the ratios.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const [file, runsArg, ...dists] = process.argv.slice(2);
const runs = Number(runsArg);
if (!file || !runs || dists.length === 0) throw new Error('usage: pickle-cli.mjs FILE RUNS DIST [DIST…]');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function timed(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  const line = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, rss] = line.split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: rss / 1024, out: r.stdout, status: r.status };
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`file ${file}; load average before: ${load()}`);
const base = timed('python3', [join(here, 'baseline.py'), file]);
console.log(`baseline.py (genops): ${base.wall.toFixed(1)} s wall / ${base.cpu.toFixed(1)} s CPU / ${base.rssMiB.toFixed(0)} MiB; load ${load()}`);
const res = new Map(dists.map((d) => [d, []]));
for (let i = 0; i < runs; i++) {
  for (const d of dists) {
    const r = timed(process.execPath, [join(repo, 'bin/modelguard.js'), 'scan', file, '--format', 'json'], { MODELGUARD_DIST: resolve(d) });
    const verdict = /"verdict":\s*"(\w+)"\s*,\s*"summary"/.exec(r.out)?.[1] ?? JSON.parse(r.out).verdict;
    res.get(d).push({ ...r, verdict });
  }
}
for (const [d, rs] of res) {
  const w = med(rs.map((r) => r.wall));
  const c = med(rs.map((r) => r.cpu));
  const m = med(rs.map((r) => r.rssMiB));
  console.log(`${d}: median of ${runs}: ${w.toFixed(2)} s wall / ${c.toFixed(2)} s CPU / ${m.toFixed(0)} MiB peak RSS (verdict ${rs[0].verdict}); ` +
    `vs genops ${(base.wall / w).toFixed(1)}x wall, ${(base.cpu / c).toFixed(1)}x CPU; runs: ${rs.map((r) => `${r.wall.toFixed(2)}/${r.cpu.toFixed(2)}/${r.rssMiB.toFixed(0)}`).join(' ')}`);
}
console.log(`load average after: ${load()}`);
