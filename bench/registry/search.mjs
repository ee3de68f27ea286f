#!/usr/bin/env node
// @ts-check
// Benchmark 2: search latency over a registry of 10,000 artifacts. Enumeration (POST /artifacts: exact name, "*"
// first page, type filter) and regex search (POST /artifact/byRegEx: a plain substring, an anchored pattern, and the
// ReDoS classic `(a+)+$`), each as sequential requests from one keep-alive client: p50 / p99 / mean latency.
//
// Seeding goes straight into the gateway's tables through the gateway's own DataSource (lib/seed-artifacts.cjs);
// the script first times a few real API creates to show why (each waits the 10 s ingest window).
//
//   node bench/registry/search.mjs [--artifacts 10000] [--n 200] [--readme-bytes 600]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authenticate, makeAgent, request } from './lib/client.mjs';
import { startRegistry } from './lib/registry-server.mjs';
import { printLogDigest } from './lib/server-log.mjs';
import { fmt, load1, printTable, summarize } from './lib/stats.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: {
    artifacts: { type: 'string', default: '10000' },
    n: { type: 'string', default: '200' },
    'readme-bytes': { type: 'string', default: '600' },
  },
});
const total = Number(args.artifacts);
const n = Number(args.n);
const WARMUP = 10;
const PREFIX = 'bench';
const nameOf = (i) => `${PREFIX}-${String(i).padStart(5, '0')}`;

/**
 * The measured requests: [label, path, body].
 * @returns {Array<[string, string, unknown]>}
 */
function scenarios() {
  const mid = Math.floor(total / 2);
  const lastTen = String(Math.floor((total - 1) / 10)).padStart(4, '0');
  return [
    ['POST /artifacts exact name', '/artifacts', [{ name: nameOf(mid) }]],
    ['POST /artifacts "*" first page', '/artifacts', [{ name: '*' }]],
    ['POST /artifacts "*" types=[dataset]', '/artifacts', [{ name: '*', types: ['dataset'] }]],
    [`byRegEx simple "${nameOf(42).slice(0, -1)}"`, '/artifact/byRegEx', { regex: nameOf(42).slice(0, -1) }],
    [`byRegEx anchored "^${PREFIX}-${lastTen}[0-9]$"`, '/artifact/byRegEx', { regex: `^${PREFIX}-${lastTen}[0-9]$` }],
    ['byRegEx ReDoS "(a+)+$"', '/artifact/byRegEx', { regex: '(a+)+$' }],
  ];
}

/** Times a handful of real metadata-only creates, to document why seeding bypasses the API. */
async function probeApiCreate(url, token, agent) {
  const results = await Promise.all(
    [0, 1, 2].map((i) =>
      request(url, { method: 'POST', path: '/artifact/model', token, agent, body: { url: `https://models.example.com/api-probe/${i}`, name: `api-probe-${i}` } }),
    ),
  );
  return { statuses: [...new Set(results.map((r) => r.status))].join('/'), ...summarize(results.map((r) => r.ms)) };
}

async function measure(url, token, agent, [label, path, body]) {
  const durations = [];
  const statuses = new Map();
  let hits = 0;
  for (let i = 0; i < WARMUP + n; i++) {
    const res = await request(url, { method: 'POST', path, token, agent, body });
    if (i < WARMUP) continue;
    durations.push(res.ms);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (Array.isArray(res.body)) hits = res.body.length;
  }
  const s = summarize(durations);
  const codes = [...statuses].map(([code, count]) => `${code}x${count}`).join(' ');
  return [label, s.n, codes, hits, fmt(s.p50), fmt(s.p99), fmt(s.mean), fmt(s.max), load1()];
}

async function main() {
  const ws = await createWorkspace('search');
  try {
    const logFile = join(ws.tmp, 'server.log');
    const server = await startRegistry({ dist: ws.dist, dataDir: ws.dataDir('registry'), env: { AUTH_TOKEN_MAX_USES: '1000000' }, logFile });
    ws.onCleanup(() => server.stop());
    const agent = makeAgent(4);
    const token = await authenticate(server.url, agent);

    const probe = await probeApiCreate(server.url, token, agent);
    console.error(`API create (3 concurrent, metadata-only URL): HTTP ${probe.statuses}, mean ${fmt(probe.mean)} ms`);
    const seeded = await server.seed({ prefix: PREFIX, count: total, readmeBytes: Number(args['readme-bytes']) });
    console.error(`seeded ${seeded.count} artifacts through the gateway DataSource in ${fmt(seeded.ms / 1000, 2)} s`);

    const rows = [];
    for (const scenario of scenarios()) {
      rows.push(await measure(server.url, token, agent, scenario));
      console.error(`done: ${scenario[0]}`);
    }
    const mem = server.memory();
    printTable(
      `Search over ${seeded.count + 3} artifacts (README ~${args['readme-bytes']} chars each); one sequential keep-alive client, ${WARMUP} warm-up requests per row; ms`,
      ['request', 'n', 'HTTP', 'hits', 'p50', 'p99', 'mean', 'max', 'load1'],
      rows,
    );
    console.log(`\nseeding: ${seeded.count} rows via the gateway's DataSource in ${fmt(seeded.ms / 1000, 2)} s`);
    console.log(`API create (POST /artifact/model, non-HF/GitHub URL, 3 concurrent): HTTP ${probe.statuses}, mean ${fmt(probe.mean)} ms per create`);
    console.log(`registry VmRSS ${fmt(mem.rss / 1048576)} MiB, VmHWM ${fmt(mem.hwm / 1048576)} MiB`);
    printLogDigest(logFile);
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
