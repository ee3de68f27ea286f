#!/usr/bin/env node
// @ts-check
// Benchmark 2: search latency over a registry of 10,000 artifacts. Enumeration (POST /artifacts: exact name, "*"
// first page, type filter) and regex search (POST /artifact/byRegEx: a plain substring, an anchored pattern, the
// ReDoS classic `(a+)+$`, and two more patterns without a 3-character literal), each as sequential requests from one
// keep-alive client: p50 / p95 / p99 / mean latency.
//
// --seed db (default): rows go straight into the gateway's tables through the gateway's own DataSource
// (lib/seed-artifacts.cjs), each with a README of --readme-bytes characters, so regex search has text to scan.
// --seed api: POST /artifact/{type} with metadata-only URLs (lib/seed-api.mjs), the real create path; those
// artifacts have no README, so regex search only scans names.
//
//   node bench/registry/search.mjs [--artifacts 10000] [--n 200] [--readme-bytes 600] [--seed db|api]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authenticate, makeAgent, request } from './lib/client.mjs';
import { startRegistryRestarted } from './lib/registry-server.mjs';
import { seedViaApi } from './lib/seed-api.mjs';
import { printLogDigest } from './lib/server-log.mjs';
import { fmt, load1, printTable, summarize } from './lib/stats.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: {
    artifacts: { type: 'string', default: '10000' },
    n: { type: 'string', default: '200' },
    'readme-bytes': { type: 'string', default: '600' },
    seed: { type: 'string', default: 'db' },
  },
});
if (!['db', 'api'].includes(args.seed)) throw new Error('--seed must be db or api');
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
    // Case-insensitive: the trigram sketch folds ASCII case, so the literal still narrows (regex-literals.ts).
    [`byRegEx case-insensitive "(?i)${PREFIX.toUpperCase()}-${lastTen}"`, '/artifact/byRegEx', { regex: `(?i)${PREFIX.toUpperCase()}-${lastTen}` }],
    ['byRegEx ReDoS "(a+)+$"', '/artifact/byRegEx', { regex: '(a+)+$' }],
    // No literal of three characters: the trigram sketch cannot narrow these (joined in-memory scan instead).
    ['byRegEx no literal "^.{3}$"', '/artifact/byRegEx', { regex: '^.{3}$' }],
    ['byRegEx no literal "[0-9]x"', '/artifact/byRegEx', { regex: '[0-9]x' }],
  ];
}

/** Fills the registry; returns what to print about it. */
async function seed(server, token, agent) {
  if (args.seed === 'db') {
    const r = await server.seed({ prefix: PREFIX, count: total, readmeBytes: Number(args['readme-bytes']) });
    return { count: r.count, text: `${r.count} rows inserted through the gateway's DataSource in ${fmt(r.ms / 1000, 2)} s (README ~${args['readme-bytes']} chars each)` };
  }
  const r = await seedViaApi(server.url, token, agent, { prefix: PREFIX, count: total, concurrency: 16 });
  const rate = r.count / (r.ms / 1000);
  return {
    count: r.count,
    text:
      `${r.count} artifacts created via POST /artifact/{type} (metadata-only URLs, 16 in flight, no READMEs) in ${fmt(r.ms / 1000, 1)} s = ` +
      `${fmt(rate)} creates/s; HTTP ${r.codes}; per create p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms`,
  };
}

/** User + system CPU seconds the process has used so far (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(url, token, agent, [label, path, body], pid) {
  const durations = [];
  const statuses = new Map();
  let hits = 0;
  let cpuFrom = 0;
  for (let i = 0; i < WARMUP + n; i++) {
    if (i === WARMUP) cpuFrom = cpuSeconds(pid);
    const res = await request(url, { method: 'POST', path, token, agent, body });
    if (i < WARMUP) continue;
    durations.push(res.ms);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (Array.isArray(res.body)) hits = res.body.length;
  }
  const cpuMs = ((cpuSeconds(pid) - cpuFrom) * 1000) / n;
  const s = summarize(durations);
  const codes = [...statuses].map(([code, count]) => `${code}x${count}`).join(' ');
  return [label, s.n, codes, hits, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.mean), fmt(s.max), fmt(cpuMs), load1()];
}

async function main() {
  const ws = await createWorkspace('search');
  try {
    const logFile = join(ws.tmp, 'server.log');
    const opts = { dist: ws.dist, dataDir: ws.dataDir('registry'), env: { AUTH_TOKEN_MAX_USES: '1000000' }, logFile };
    const { server } = await startRegistryRestarted(opts); // memory figures without PGlite's first-boot initdb spike
    ws.onCleanup(() => server.stop());
    const agent = makeAgent(4);
    const token = await authenticate(server.url, agent);

    const seeded = await seed(server, token, args.seed === 'api' ? makeAgent(16) : agent);
    console.error(`seeded: ${seeded.text}`);

    const rows = [];
    for (const scenario of scenarios()) {
      rows.push(await measure(server.url, token, agent, scenario, server.pid));
      console.error(`done: ${scenario[0]}`);
    }
    const mem = server.memory();
    printTable(
      `Search over ${seeded.count} artifacts (seeded via ${args.seed}); one sequential keep-alive client, ${WARMUP} warm-up requests per row; ms ` +
        '(cpu/req: server process CPU per measured request, which the machine load inflates less than latency)',
      ['request', 'n', 'HTTP', 'hits', 'p50', 'p95', 'p99', 'mean', 'max', 'cpu/req', 'load1'],
      rows,
    );
    console.log(`\nseeding: ${seeded.text}`);
    console.log(`registry (restarted after first boot) VmRSS ${fmt(mem.rss / 1048576)} MiB, VmHWM ${fmt(mem.hwm / 1048576)} MiB`);
    printLogDigest(logFile);
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
