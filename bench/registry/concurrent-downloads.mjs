#!/usr/bin/env node
// @ts-check
// Benchmark 3: a registry of 500 models, one of them a ~25 MiB package uploaded through the API; 100 concurrent
// clients (each with its own token and connection) download the full package several times. Reports aggregate
// throughput, per-download latency (mean, median, p99), errors and the registry's memory.
//
//   node bench/registry/concurrent-downloads.mjs [--clients 100] [--per-client 4] [--mib 25] [--models 500]
//                                                [--mode embedded|gateway]
// --mode gateway runs the gateway alone on a real Postgres database (lib/gateway-server.mjs; the script records the
// scan verdict), to separate the gateway's own behaviour from PGlite sharing the embedded process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { authenticate, expectStatus, makeAgent, request, waitForScan } from './lib/client.mjs';
import { writeModelPackage } from './lib/package-zip.mjs';
import { startStandaloneGateway } from './lib/gateway-server.mjs';
import { startRegistryRestarted } from './lib/registry-server.mjs';
import { printLogDigest } from './lib/server-log.mjs';
import { fmt, load1, MiB, pool, printTable } from './lib/stats.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    'per-client': { type: 'string', default: '4' },
    mib: { type: 'string', default: '25' },
    models: { type: 'string', default: '500' },
    mode: { type: 'string', default: 'embedded' },
  },
});
const clients = Number(args.clients);
const perClient = Number(args['per-client']);
if (!['embedded', 'gateway'].includes(args.mode)) throw new Error('--mode must be embedded or gateway');

async function main() {
  const ws = await createWorkspace(`concurrent-downloads-${args.mode}`);
  try {
    const logFile = join(ws.tmp, 'server.log');
    const opts = { dist: ws.dist, dataDir: ws.dataDir('registry'), logFile };
    // Embedded: restarted once so PGlite's first-boot initdb spike does not count as the registry's peak memory.
    const server = args.mode === 'gateway' ? await startStandaloneGateway(opts) : (await startRegistryRestarted(opts)).server;
    ws.onCleanup(() => server.stop());
    const setupAgent = makeAgent(8);
    const admin = await authenticate(server.url, setupAgent);

    // 499 metadata-only models (seeded like search.mjs) + 1 real package = a 500-model registry.
    await server.seed({ prefix: 'bench', count: Number(args.models) - 1 });
    const zipPath = join(ws.tmp, 'package.zip');
    const pkg = await writeModelPackage(zipPath, { weightBytes: Math.round(Number(args.mib) * MiB), shards: 2 });
    const up = expectStatus(
      await request(server.url, { method: 'POST', path: '/artifact/model/package?name=bench-25mib', token: admin, agent: setupAgent, body: { file: zipPath } }),
      [201],
      'upload',
    );
    const id = up.body.metadata.id;
    if (server.markScanned !== null) await server.markScanned(id);
    const scan = await waitForScan(server.url, admin, 'model', id, { agent: setupAgent });
    console.error(`package ${fmt(pkg.zipBytes / MiB)} MiB stored, scan ${scan.version.scan_state} after ${fmt(scan.waitedMs / 1000)} s`);

    // Each client logs in for itself (not timed), as separate users' tools would.
    const tokens = new Array(clients);
    server.resetSampledPeak();
    await pool(clients, 8, async (i) => {
      tokens[i] = await authenticate(server.url, setupAgent);
    });
    // Logins hash with scrypt (32 MiB each, up to 4 at once on libuv's pool): reported apart from the downloads.
    const loginPeak = server.sampledPeak();

    // The load generator shared with the gateway's admin performance workload (libs/platform/loadgen), loaded from
    // this benchmark's private compiled copy like the server itself.
    const { runDownloadWorkload } = await import(pathToFileURL(join(ws.dist, 'libs/platform/loadgen/src/index.js')).href);
    server.resetSampledPeak();
    const loadBefore = load1();
    const r = await runDownloadWorkload({
      baseUrl: server.url,
      path: `/artifacts/model/${id}/download`,
      tokens,
      clients,
      downloadsPerClient: perClient,
      minBytes: pkg.payloadBytes,
    });
    const s = r.latency;
    const bytes = r.bytes;
    const wallMs = r.wallMs;
    const errors = new Map(Object.entries(r.errors));
    const mem = server.memory();
    const errorText = errors.size === 0 ? '0' : [...errors].map(([k, v]) => `${v}x ${k}`).join(', ');
    printTable(
      `[${args.mode}] ${clients} concurrent clients x ${perClient} full downloads of a ${fmt(pkg.zipBytes / MiB)} MiB package (registry of ${Number(args.models)} models)`,
      ['metric', 'value'],
      [
        ['downloads ok / attempted', `${r.succeeded} / ${clients * perClient}`],
        ['errors', errorText],
        ['bytes received (MiB)', fmt(bytes / MiB)],
        ['wall time (s)', fmt(wallMs / 1000, 2)],
        ['aggregate throughput (MiB/s)', fmt(r.throughputMiBps)],
        ['latency mean (ms)', fmt(s.mean, 0)],
        ['latency median (ms)', fmt(s.p50, 0)],
        ['latency p99 (ms)', fmt(s.p99, 0)],
        ['latency max (ms)', fmt(s.max, 0)],
        [`registry peak VmRSS during ${clients} logins (MiB, sampled)`, fmt(loginPeak / MiB)],
        ['registry peak VmRSS during downloads (MiB, sampled)', fmt(server.sampledPeak() / MiB)],
        ['registry VmHWM since boot (MiB)', fmt(mem.hwm / MiB)],
        ['load1 before / after', `${loadBefore} / ${load1()}`],
      ],
    );
    printLogDigest(logFile);
    if (errors.size > 0) process.exitCode = 1;
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
