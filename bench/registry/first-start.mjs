#!/usr/bin/env node
// @ts-check
// How long the embedded registry takes to become ready, and what it then weighs, on a new DATA_DIR and on a restart:
//   1. new DATA_DIR, cluster templates off (HOME and XDG_CACHE_HOME empty): initdb on a worker thread, as before
//      templates existed;
//   2. new DATA_DIR, empty template cache: the machine's first start builds the template (initdb), then copies it;
//   3. new DATA_DIR, template cached: a copy, no initdb;
//   4. restart on the directory of 3.
// Each is a fresh process with `npm start`'s memory settings. Ready = the gateway listens (after every service's
// migrations). RSS is sampled every 100 ms until `--settle` seconds after ready.
//
//   node bench/registry/first-start.mjs [--rounds 2] [--settle 20]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRegistry } from './lib/registry-server.mjs';
import { fmt, load1, MiB, printTable } from './lib/stats.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, settle: { type: 'string', default: '20' } },
});

async function main() {
  const ws = await createWorkspace('first-start');
  try {
    const rows = [];
    for (let round = 1; round <= Number(args.rounds); round++) {
      const cache = join(ws.tmp, `cache-${round}`);
      mkdirSync(cache);
      const cases = [
        { label: 'new DATA_DIR, templates off (initdb)', dir: `off-${round}`, env: { HOME: '', XDG_CACHE_HOME: '' } },
        { label: 'new DATA_DIR, first on the machine (builds the template)', dir: `build-${round}`, env: { XDG_CACHE_HOME: cache } },
        { label: 'new DATA_DIR, template cached (copy)', dir: `copy-${round}`, env: { XDG_CACHE_HOME: cache } },
        { label: 'restart on that DATA_DIR', dir: `copy-${round}`, env: { XDG_CACHE_HOME: cache } },
      ];
      for (const c of cases) {
        const load = load1();
        const t0 = performance.now();
        const server = await startRegistry({ dist: ws.dist, dataDir: ws.dataDir(c.dir), env: c.env, logFile: join(ws.tmp, `${c.dir}.log`) });
        const readyMs = performance.now() - t0;
        const atReady = server.memory().rss;
        await sleep(Number(args.settle) * 1000);
        const settled = server.memory();
        const peak = Math.max(server.sampledPeak(), settled.rss);
        await server.stop();
        rows.push([`${c.label}, round ${round}`, fmt(readyMs / 1000), fmt(atReady / MiB), fmt(settled.rss / MiB), fmt(peak / MiB), fmt(settled.hwm / MiB), load]);
      }
    }
    printTable(
      `[embedded] start-up on a new and an existing DATA_DIR (${args.settle} s after ready)`,
      ['case', 'ready (s)', 'RSS at ready (MiB)', 'RSS settled (MiB)', 'peak sampled (MiB)', 'VmHWM (MiB)', 'load1 before'],
      rows,
    );
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
