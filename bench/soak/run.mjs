#!/usr/bin/env node
// @ts-check
// Soak benchmark (issue 14): N minutes of steady mixed load — searches (exact name, regex, paged listing),
// downloads, small uploads and Hugging Face ingests from a local fake Hub — against the distributed layout (every
// service its own process over Kafka, PostgreSQL, Redis and S3Mock from the running dev infra). Samples every
// service's RSS once a second; prints per-service RSS start/end/max/slope, request and error counts and latency
// p50/p99 per kind; writes the samples (JSON) and an RSS plot (SVG) to bench/soak/out/. Exits 1 on any error.
//
//   infra from KAFKA_BROKERS, TEST_DATABASE_URL, TEST_S3_ENDPOINT, TEST_REDIS_URL (defaults: the dev infra's ports)
//   node bench/soak/run.mjs [--minutes 5] [--no-ingest] [--plot bench/soak/rss-5min.svg]
//
// Uses a private compiled copy of the code (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { authenticate, expectStatus, makeAgent, request, waitForScan } from '../registry/lib/client.mjs';
import { writeModelPackage } from '../registry/lib/package-zip.mjs';
import { digestServerLog } from '../registry/lib/server-log.mjs';
import { fmt, load1, printTable, summarize } from '../registry/lib/stats.mjs';
import { createWorkspace } from '../registry/lib/workspace.mjs';
import { startFakeHub } from './lib/fake-hub.mjs';
import { startFleet } from './lib/fleet.mjs';
import { lanes, runLoad } from './lib/load.mjs';
import { rssPlotSvg } from './lib/plot-svg.mjs';
import { rssFigures, startRssSampling } from './lib/rss.mjs';

const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '5' }, 'no-ingest': { type: 'boolean', default: false }, plot: { type: 'string' } },
});
const minutes = Number(args.minutes);
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
const here = dirname(fileURLToPath(import.meta.url));
const SEEDS = 3;

async function seed(base, token, agent, zipPath, runTag) {
  const ids = [];
  const names = [];
  for (let i = 0; i < SEEDS; i++) {
    const name = `soak-${runTag}-seed-${i}`;
    const res = expectStatus(await request(base, { method: 'POST', path: `/artifact/model/package?name=${name}`, token, agent, body: { file: zipPath } }), [201], 'seed upload');
    ids.push(res.body.metadata.id);
    names.push(name);
  }
  // Downloads of a version still being scanned are refused; wait for (or override) every verdict first.
  for (const id of ids) await waitForScan(base, token, 'model', id, { timeoutMs: 300_000, agent });
  return { ids, names };
}

function report(results, figures, services, durationS) {
  const kinds = [...new Set(results.map((r) => r.kind))];
  const perKind = kinds.map((kind) => {
    const mine = results.filter((r) => r.kind === kind);
    const s = summarize(mine.filter((r) => !r.error).map((r) => r.ms));
    const codes = [...mine.reduce((m, r) => m.set(r.status, (m.get(r.status) ?? 0) + 1), new Map())].map(([c, n]) => `${c}x${n}`).join(' ');
    return { kind, requests: mine.length, errors: mine.filter((r) => r.error).length, codes, perSecond: mine.length / durationS, p50: s.p50, p99: s.p99 };
  });
  printTable(
    `Requests over ${fmt(durationS / 60, 1)} min (load1 now ${load1()}); latency of successful requests, ms`,
    ['kind', 'requests', 'req/s', 'errors', 'HTTP', 'p50', 'p99'],
    perKind.map((k) => [k.kind, k.requests, fmt(k.perSecond, 2), k.errors, k.codes, fmt(k.p50), fmt(k.p99)]),
  );
  printTable(
    'RSS per service (MiB; slope = least-squares MiB/min over the whole run and over its second half)',
    ['service', 'start', 'end', 'max', 'slope', '2nd-half slope', 'log errors'],
    figures.map((f) => [f.service, fmt(f.startMiB), fmt(f.endMiB), fmt(f.maxMiB), fmt(f.slopeMiBPerMin, 2), fmt(f.secondHalfSlopeMiBPerMin, 2), services[f.service].logErrors]),
  );
  return perKind;
}

async function main() {
  const ws = await createWorkspace('soak');
  try {
    const hub = await startFakeHub();
    ws.onCleanup(() => hub.close());
    const fleet = await startFleet({
      dist: ws.dist,
      logDir: ws.tmp,
      extraEnv: { HF_ENDPOINT: hub.url, UPSTREAM_ALLOW_PRIVATE: 'true', AUTH_TOKEN_MAX_USES: '1000000', GATEWAY_INGEST_WAIT_MS: '60000', SCORING_POLL_MS: '200', GATEWAY_RATING_GATE: 'false' },
    });
    ws.onCleanup(() => fleet.stop());
    const base = fleet.gatewayUrl;
    const agent = makeAgent(16);
    const token = await authenticate(base, agent);
    const zipPath = join(ws.tmp, 'small.zip');
    const zip = await writeModelPackage(zipPath, { weightBytes: 16 * 1024, shards: 1 });
    const { ids, names } = await seed(base, token, agent, zipPath, fleet.id);
    console.error(`fleet up (${Object.keys(fleet.services).join(', ')}), ${SEEDS} packages seeded; load for ${minutes} min`);

    const names6 = Object.keys(fleet.services);
    const sampler = startRssSampling(fleet.services);
    const laneList = lanes({ token, seeded: ids, seedNames: names, zipPath, runTag: fleet.id, ingests: !args['no-ingest'] });
    const results = await runLoad(base, laneList, minutes * 60_000, agent);
    sampler.stop();
    const durationS = minutes * 60;

    const figures = rssFigures(sampler.samples, names6);
    const services = Object.fromEntries(
      names6.map((n) => {
        const d = digestServerLog(join(ws.tmp, `${n}.log`));
        return [n, { pid: fleet.services[n].pid, logErrors: d.errors, topLogErrors: d.topErrors }];
      }),
    );
    const perKind = report(results, figures, services, durationS);
    const errors = results.filter((r) => r.error);
    for (const [n, d] of Object.entries(services)) for (const line of d.topLogErrors) console.log(`  ${n} log: ${line}`);
    for (const e of errors.slice(0, 10)) console.log(`  error: ${e.kind} at ${fmt(e.t)} s: HTTP ${e.status} ${e.error}`);
    console.log(`\n${results.length} requests, ${errors.length} errors; upload package ${zip.zipBytes} B; fake Hub answered ${hub.requests()} requests`);

    const outDir = join(here, 'out');
    mkdirSync(outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const title = `RSS per service, ${fmt(minutes, 1)} min soak (distributed, Kafka/Postgres/Redis/S3Mock)`;
    const svg = rssPlotSvg(sampler.samples, names6, title);
    writeFileSync(join(outDir, `soak-${stamp}.json`), JSON.stringify({ minutes, perKind, rss: figures, services, errors, samples: sampler.samples }, null, 1));
    writeFileSync(join(outDir, `rss-${stamp}.svg`), svg);
    if (args.plot) writeFileSync(resolve(args.plot), svg);
    console.log(`samples and plot: ${join(outDir, `soak-${stamp}.json`)}, rss-${stamp}.svg${args.plot ? `, ${args.plot}` : ''}`);
    process.exitCode = errors.length === 0 ? 0 : 1;
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
