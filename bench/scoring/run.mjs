#!/usr/bin/env node
// @ts-check
// Scoring benchmark (issue 8): ratings per second, in-process and end to end, and /rate latency under 14 concurrent
// clients against references measured in the same run. Prints tables and writes bench/.out/scoring-<timestamp>.json.
//
//   node bench/scoring/run.mjs [--packages 100] [--compute-rounds 20] [--clients 14] [--rounds 150] [--bursts 60]
//                             [--scoring-concurrency N]   (SCORING_CONCURRENCY of the embedded registry; default: its own)
//                             [--skip-gateway]            (no /rate timing on the standalone gateway + Postgres)
//
// Compiles a private copy of the registry (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one) and starts the
// embedded registry (all services in one process, as `npm start` runs it) with a fresh DATA_DIR. See README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { authenticate, makeAgent, waitForScan } from '../registry/lib/client.mjs';
import { startStandaloneGateway } from '../registry/lib/gateway-server.mjs';
import { startRegistry } from '../registry/lib/registry-server.mjs';
import { printLogDigest, digestServerLog } from '../registry/lib/server-log.mjs';
import { fmt, load1, MiB, printTable } from '../registry/lib/stats.mjs';
import { createWorkspace, repoRoot } from '../registry/lib/workspace.mjs';
import { measureComputeRating } from './lib/compute-throughput.mjs';
import { seedRatedModels } from './lib/gateway-ratings.mjs';
import { measureRateLatency } from './lib/rate-latency.mjs';
import { uploadAndWaitForRatings, writePackages } from './lib/rating-pipeline.mjs';
import { evidenceVariants } from './lib/sample-evidence.mjs';

const { values: args } = parseArgs({
  options: {
    packages: { type: 'string', default: '100' },
    'compute-rounds': { type: 'string', default: '20' },
    clients: { type: 'string', default: '14' },
    rounds: { type: 'string', default: '150' },
    bursts: { type: 'string', default: '60' },
    'scoring-concurrency': { type: 'string' },
    'skip-gateway': { type: 'boolean', default: false },
  },
});
const packages = Number(args.packages);
const clients = Number(args.clients);
const TARGET_MS = 100;

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

/** One latency table; the last column divides each row's median by the /health reference's (the last row). */
function printLatency(title, rows, load) {
  const floor = rows[rows.length - 1].p50;
  printTable(
    `Latency, ${title} (ms; targets interleaved in blocks; load1 ${load})`,
    ['request', 'HTTP', 'mean', 'median', 'p99', 'max', 'req/s', 'median / health'],
    rows.map((row) => [
      row.label,
      Object.entries(row.statuses).map(([code, n]) => `${code}x${n}`).join(' '),
      fmt(row.mean, 1),
      fmt(row.p50, 1),
      fmt(row.p99, 1),
      fmt(row.max, 1),
      fmt(row.requestsPerSecond, 0),
      fmt(row.p50 / floor, 2),
    ]),
  );
}

/** /rate and its references, first in bursts of `clients` simultaneous calls, then with the server saturated. */
async function measureLatency(base, modelIds) {
  const withLoad = async (options) => {
    const before = load1();
    const rows = await measureRateLatency({ base, modelIds, clients, ...options });
    return { load1: `${before} / ${load1()}`, rows };
  };
  const burst = await withLoad({ rounds: Number(args.bursts), mode: 'burst', block: 10 });
  const closed = await withLoad({ rounds: Number(args.rounds), mode: 'closed' });
  return { clients, burst: { bursts: Number(args.bursts), gapMs: 50, ...burst }, closed: { rounds: Number(args.rounds), ...closed } };
}

function printLatencies(where, latency) {
  printLatency(`${where}: ${clients} simultaneous calls per burst, ${args.bursts} bursts per row, 50 ms idle between bursts`, latency.burst.rows, latency.burst.load1);
  printLatency(`${where}: ${clients} clients in a closed loop (saturated server), ${args.rounds} requests each per row`, latency.closed.rows, latency.closed.load1);
  console.log(`\n${where}: /rate p99 ${fmt(latency.burst.rows[0].p99, 1)} ms in bursts of ${clients}, ${fmt(latency.closed.rows[0].p99, 1)} ms saturated (target: well under ${TARGET_MS} ms)`);
}

async function main() {
  const startedAt = new Date();
  const result = {
    startedAt: startedAt.toISOString(),
    node: process.version,
    cores: cpus().length,
    commit: `${commit()} (+ working tree)`,
    loadavgAtStart: loadavg(),
  };
  const ws = await createWorkspace('scoring');
  try {
    console.error(`rating ${packages} evidences in-process (${args['compute-rounds']} rounds)`);
    const compute = await measureComputeRating(ws.dist, evidenceVariants(ws.dist, packages), Number(args['compute-rounds']));
    const computeLoad = load1();

    const pkgDir = ws.dataDir('packages');
    mkdirSync(pkgDir, { recursive: true });
    const pkgs = await writePackages(ws.dist, pkgDir, packages);
    const logFile = join(ws.tmp, 'server.log');
    /** @type {Record<string, string>} */
    const env = { AUTH_TOKEN_MAX_USES: '1000000' };
    if (args['scoring-concurrency'] !== undefined) env['SCORING_CONCURRENCY'] = args['scoring-concurrency'];
    console.error('starting the embedded registry');
    const server = await startRegistry({ dist: ws.dist, dataDir: ws.dataDir('registry'), env, logFile });
    ws.onCleanup(() => server.stop());
    const agent = makeAgent(8);
    const token = await authenticate(server.url, agent);

    console.error(`uploading ${packages} packages and waiting for their ratings`);
    const e2eLoadBefore = load1();
    const e2e = await uploadAndWaitForRatings({ base: server.url, token, agent, packages: pkgs });
    const e2eLoad = `${e2eLoadBefore} / ${load1()}`;
    // The scan service works on the same uploads in the same process; /rate is timed once it has finished, so the
    // latency rows measure serving, not serving next to a scan backlog.
    const settle0 = performance.now();
    for (const id of e2e.ratedIds) await waitForScan(server.url, token, 'model', id, { agent, timeoutMs: 300_000 });
    const scansSettledMs = performance.now() - settle0;
    agent.destroy();

    console.error(`/rate latency: ${clients} clients, ${args.bursts} bursts, then ${args.rounds} closed-loop rounds per target`);
    const embeddedLatency = await measureLatency(server.url, e2e.ratedIds);
    const rss = server.memory();
    await server.stop();

    let gatewayLatency = null;
    const gatewayLog = join(ws.tmp, 'gateway.log');
    if (!args['skip-gateway']) {
      console.error('starting the standalone gateway on Postgres; seeding rated models');
      const gateway = await startStandaloneGateway({ dist: ws.dist, dataDir: ws.dataDir('gateway'), env: { AUTH_TOKEN_MAX_USES: '1000000' }, logFile: gatewayLog });
      ws.onCleanup(() => gateway.stop());
      const ids = await seedRatedModels(gateway, ws.dist, clients);
      gatewayLatency = await measureLatency(gateway.url, ids);
      await gateway.stop();
    }

    printTable(
      `Ratings per second (${packages} packages; load1 at start ${result.loadavgAtStart.map((l) => l.toFixed(2)).join(' ')})`,
      ['measurement', 'ratings/s', 'detail', 'load1'],
      [
        ['computeRating in-process, one after another', fmt(compute.sequential.ratingsPerSecond, 0), `per rating p50 ${fmt(compute.sequential.perRatingMs.p50, 2)} ms, p99 ${fmt(compute.sequential.perRatingMs.p99, 2)} ms`, computeLoad],
        [`computeRating in-process, ${packages} at once`, fmt(compute.concurrent.ratingsPerSecond, 0), `median of ${compute.rounds} rounds`, computeLoad],
        ['embedded registry: upload -> /rate 200', fmt(e2e.ratingsPerSecond, 1), `all ${e2e.packages} rated in ${fmt(e2e.totalMs / 1000, 1)} s`, e2eLoad],
      ],
    );
    console.log(`  end to end: upload p50 ${fmt(e2e.uploadMs.p50, 0)} ms; lag from upload 201 to first /rate 200 p50 ${fmt(e2e.lagMs.p50 / 1000, 2)} s, p99 ${fmt(e2e.lagMs.p99 / 1000, 2)} s; last rating ${fmt(e2e.afterLastUploadMs / 1000, 2)} s after the last upload`);
    console.log(`  backlog when uploads stopped: ${e2e.unratedAtLastUpload} unrated, drained at ${fmt(e2e.drainRatingsPerSecond, 1)} ratings/s (scoring concurrency ${args['scoring-concurrency'] ?? 'default'})`);
    console.log(`  scan verdicts of all packages in ${fmt(scansSettledMs / 1000, 1)} s after the last rating (awaited before the latency rows)`);
    console.log(`  computeRating inside the service (net_score_latency): mean ${fmt(e2e.computeMsInService.mean, 1)} ms, p99 ${fmt(e2e.computeMsInService.p99, 1)} ms`);
    console.log(`  in-process: ${compute.distinctNetScores} distinct net scores in [${compute.netScoreRange.join(', ')}]; fallbacks used: ${JSON.stringify(compute.fallbacks)}`);

    printLatencies('embedded registry (PGlite)', embeddedLatency);
    console.log(`embedded registry VmRSS ${fmt(rss.rss / MiB, 0)} MiB`);
    printLogDigest(logFile);
    if (gatewayLatency !== null) {
      printLatencies('standalone gateway (Postgres 15, distributed layout)', gatewayLatency);
      printLogDigest(gatewayLog, 'gateway log');
    }

    Object.assign(result, {
      finishedAt: new Date().toISOString(),
      loadavgAtEnd: loadavg(),
      compute,
      endToEnd: { ...e2e, ratedIds: undefined, load1: e2eLoad, scansSettledMs },
      rateLatency: { embedded: embeddedLatency, standaloneGateway: gatewayLatency },
      serverRssMiB: rss.rss / MiB,
      serverLog: digestServerLog(logFile),
      gatewayLog: gatewayLatency === null ? null : digestServerLog(gatewayLog),
    });
    const outDir = join(repoRoot, 'bench/.out');
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, `scoring-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${outFile}`);
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
