#!/usr/bin/env node
// @ts-check
// Benchmark: exact-name and paged enumeration at registry scale (issue 13: p99 < 10 ms at 100,000 artifacts), and
// the server process's memory idle and while it answers them (issue 13: < 300 MiB).
//
// Rows: GET /artifact/byName/{name}, POST /artifacts [{name}] (exact name), POST /artifacts [{"*"}] and
// [{"*", types}] at an `offset` drawn uniformly from the whole registry (the keyset cursor a client paging through
// it would send). Every request asks for a different random name / offset, so no row is served from a warm cache
// line of one key. One sequential keep-alive client: latency, not throughput. GET /tracks runs first as the
// machine's reference: what one request costs on this server under this load before any query is made.
//
// Seeding goes straight into the gateway's tables (lib/seed-artifacts.cjs: the rows a finished metadata-only create
// leaves behind), not through POST /artifact/{type}: that path runs at about 30 creates/s here (bench/registry/
// RESULTS.md), so 100,000 creates would take about an hour, and these queries read only the artifacts table.
//
//   node bench/registry/lookups.mjs [--artifacts 100000] [--n 1000] [--readme-bytes 600] [--mode embedded|gateway]
// --n is requests per row: a p99 of 300 requests is their 3rd slowest and moved by several ms between identical runs;
// of 1,000 it is the 10th (bench/RESULTS.md, "Embedded: statements prepared once").
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authenticate, expectStatus, makeAgent, request } from './lib/client.mjs';
import { startStandaloneGateway } from './lib/gateway-server.mjs';
import { cpuMs } from './lib/static-file-server.mjs';
import { startRegistryRestarted } from './lib/registry-server.mjs';
import { printLogDigest } from './lib/server-log.mjs';
import { MiB, fmt, load1, printTable, summarize } from './lib/stats.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: {
    artifacts: { type: 'string', default: '100000' },
    n: { type: 'string', default: '1000' },
    'readme-bytes': { type: 'string', default: '600' },
    mode: { type: 'string', default: 'embedded' },
  },
});
if (!['embedded', 'gateway'].includes(args.mode)) throw new Error('--mode must be embedded or gateway');
const total = Number(args.artifacts);
const n = Number(args.n);
// seed-artifacts.cjs pads the index to 5 digits with lpad, which truncates longer numbers.
if (!(total >= 1 && total <= 100_000)) throw new Error('--artifacts must be 1..100000');
const WARMUP = 20;
const PREFIX = 'bench';
const nameOf = (i) => `${PREFIX}-${String(i).padStart(5, '0')}`;
const randomIndex = () => Math.floor(Math.random() * total);

/** Each row: a label and a function building request i (all different). @type {Array<[string, () => import('./lib/client.mjs').RequestOptions]>} */
const ROWS = [
  // Reference: the same HTTP stack, client and load without the database (a static, unauthenticated route).
  ['GET /tracks (reference: no database)', () => ({ path: '/tracks' })],
  ['GET /artifact/byName/{random name}', () => ({ path: `/artifact/byName/${nameOf(randomIndex())}` })],
  ['POST /artifacts [{name: random}]', () => ({ method: 'POST', path: '/artifacts', body: [{ name: nameOf(randomIndex()) }] })],
  ['POST /artifacts [{"*"}] ?offset=random', () => ({ method: 'POST', path: `/artifacts?offset=${randomIndex()}`, body: [{ name: '*' }] })],
  [
    'POST /artifacts [{"*", types:[dataset]}] ?offset=random',
    () => ({ method: 'POST', path: `/artifacts?offset=${randomIndex()}`, body: [{ name: '*', types: ['dataset'] }] }),
  ],
];

async function start(ws) {
  const logFile = join(ws.tmp, 'server.log');
  const opts = { dist: ws.dist, dataDir: ws.dataDir('registry'), env: { AUTH_TOKEN_MAX_USES: '1000000' }, logFile };
  if (args.mode === 'gateway') return { server: await startStandaloneGateway(opts), logFile };
  // Restarted once so PGlite's first-boot initdb spike is not counted as idle memory.
  return { server: (await startRegistryRestarted(opts)).server, logFile };
}

async function measure(server, token, agent, [label, build]) {
  const durations = [];
  const statuses = new Map();
  let hits = 0;
  server.resetSampledPeak();
  let cpuFrom = 0;
  for (let i = 0; i < WARMUP + n; i++) {
    if (i === WARMUP) cpuFrom = cpuMs(server.pid);
    const res = await request(server.url, { ...build(), token, agent });
    if (i < WARMUP) continue;
    durations.push(res.ms);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (Array.isArray(res.body)) hits += res.body.length;
  }
  server.sampleNow();
  // Server CPU (utime + stime, 10 ms ticks) per request: it moves much less than the latencies with the machine's
  // load. It includes the background work the requests cause (search events, popularity counters); in gateway mode
  // Postgres runs in its own processes and is not counted.
  const cpuPerRequest = (cpuMs(server.pid) - cpuFrom) / n;
  const s = summarize(durations);
  const codes = [...statuses].map(([code, count]) => `${code}x${count}`).join(' ');
  return [label, s.n, codes, fmt(hits / s.n), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max), fmt(cpuPerRequest, 2), fmt(server.sampledPeak() / MiB, 0), load1()];
}

async function main() {
  const ws = await createWorkspace(`lookups-${args.mode}`);
  try {
    const { server, logFile } = await start(ws);
    ws.onCleanup(() => server.stop());
    const agent = makeAgent(1);
    const token = await authenticate(server.url, agent);
    const idleEmpty = server.memory().rss;

    const seeded = await server.seed({ prefix: PREFIX, count: total, readmeBytes: Number(args['readme-bytes']) });
    const probe = await request(server.url, { path: `/artifact/byName/${nameOf(total - 1)}`, token, agent });
    expectStatus(probe, [200], 'byName after seeding');
    await new Promise((resolve) => setTimeout(resolve, 2000)); // let the seeding's garbage settle before "idle"
    const idleSeeded = server.memory().rss;
    console.error(`seeded ${seeded.count} artifacts in ${fmt(seeded.ms / 1000, 1)} s`);

    const rows = [];
    for (const row of ROWS) {
      rows.push(await measure(server, token, agent, row));
      console.error(`done: ${row[0]}`);
    }
    const mem = server.memory();
    const who = args.mode === 'embedded' ? 'embedded registry (restarted after first boot)' : 'standalone gateway on Postgres';
    printTable(
      `[${args.mode}] Lookups over ${seeded.count} artifacts; one sequential keep-alive client, ${WARMUP} warm-up requests per row; ms (CPU ms/req = server process utime+stime per request; peak MiB = max VmRSS sampled every 100 ms during the row)`,
      ['request', 'n', 'HTTP', 'hits/req', 'p50', 'p95', 'p99', 'max', 'CPU ms/req', 'peak MiB', 'load1'],
      rows,
    );
    console.log(`\nseeding: ${seeded.count} rows written into the gateway schema in ${fmt(seeded.ms / 1000, 1)} s (README ~${args['readme-bytes']} chars each)`);
    console.log(
      `${who} (pid ${server.pid}) VmRSS: idle empty ${fmt(idleEmpty / MiB, 0)} MiB, idle after seeding ${fmt(idleSeeded / MiB, 0)} MiB, ` +
        `after the run ${fmt(mem.rss / MiB, 0)} MiB; VmHWM ${fmt(mem.hwm / MiB, 0)} MiB (includes seeding)`,
    );
    printLogDigest(logFile);
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
