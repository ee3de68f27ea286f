#!/usr/bin/env node
// @ts-check
// Benchmark 3: a registry of 500 models, one of them a ~25 MiB package uploaded through the API; 100 concurrent
// clients (each with its own token and connection) download the full package several times. Reports aggregate
// throughput, per-download latency (mean, median, p99), errors and the registry's memory. Then the same load generator
// runs against nginx (Debian package, a private process on a free loopback port, sendfile) serving a byte-identical
// copy of the registry's response, fetched once after the registry row (the issue 13 target is >= 0.7x of nginx),
// then against a plain Node static file server serving the same file.
//
//   node bench/registry/concurrent-downloads.mjs [--clients 100] [--per-client 4] [--mib 25] [--models 500]
//                                                [--mode embedded|gateway] [--warm]
// --mode gateway runs the gateway alone on a real Postgres database (lib/gateway-server.mjs; the script records the
// scan verdict), to separate the gateway's own behaviour from PGlite sharing the embedded process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, expectStatus, makeAgent, request, waitForScan } from './lib/client.mjs';
import { writeModelPackage } from './lib/package-zip.mjs';
import { startStandaloneGateway } from './lib/gateway-server.mjs';
import { fetchToFile, findNginx, NGINX_INSTALL_HINT, procTreeUsage, startNginx } from './lib/nginx-reference.mjs';
import { startRegistryRestarted } from './lib/registry-server.mjs';
import { startStaticFileServer } from './lib/static-file-server.mjs';
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
    warm: { type: 'boolean', default: false },
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
    // this benchmark's private compiled copy like the server itself. nginx gets the very same call below.
    const { runDownloadWorkload } = await import(pathToFileURL(join(ws.dist, 'libs/platform/loadgen/src/index.js')).href);
    /** One measured row: load1, the server's CPU and disk writes (process tree) and the load generator's own CPU. */
    const measure = async (baseUrl, path, serverPid) => {
      const loadBefore = load1();
      const u0 = procTreeUsage(serverPid);
      const me0 = process.cpuUsage();
      const r = await runDownloadWorkload({ baseUrl, path, tokens, clients, downloadsPerClient: perClient, minBytes: pkg.payloadBytes });
      const me = process.cpuUsage(me0);
      const u = procTreeUsage(serverPid);
      return { r, load: `${loadBefore} / ${load1()}`, serverCpu: u.cpu - u0.cpu, written: u.written - u0.written, clientCpu: (me.user + me.system) / 1e6 };
    };
    const downloadPath = `/artifacts/model/${id}/download`;
    // --warm: untimed downloads first, so the row measures the registry's steady state rather than the first downloads
    // of a freshly uploaded version: one assembles and caches the zip; a second, once the zip file is older than the
    // fs store's 2 s racy margin, reads it whole through the digest check and records its verified stat, as any read of
    // a cached zip after its first seconds does (FsBlobStore.getVerified). Without it, every download that starts in
    // the zip's first 2 s hashes its 26 MB again, and how many do depends on how long the 100 logins took.
    if (args.warm) {
      expectStatus(await request(server.url, { path: downloadPath, token: tokens[0], discard: true }), [200], 'warm-up download');
      await sleep(2_100);
      expectStatus(await request(server.url, { path: downloadPath, token: tokens[0], discard: true }), [200], 'second warm-up download');
    }
    server.resetSampledPeak();
    const reg = await measure(server.url, downloadPath, server.pid);
    const mem = server.memory();
    const downloadPeak = server.sampledPeak();

    // References, same load generator, same bytes: the registry's response body fetched once with the clients' own
    // request, served by nginx (the issue 13 target: >= 0.7x of it) and by a plain Node static file server (`http` +
    // `fs.createReadStream`, lib/static-file-server.mjs: what Node's stream path alone reaches on this machine).
    const served = join(ws.tmp, 'served.zip');
    const got = await fetchToFile(server.url, downloadPath, tokens[0], served);
    if (got.status !== 200) throw new Error(`fetching the package for the references: HTTP ${got.status}`);
    const nginxBin = findNginx();
    let ngx = null;
    let nginxVersion = '';
    if (nginxBin === null) {
      console.error(`nginx not installed: the nginx reference row is skipped (install it with: ${NGINX_INSTALL_HINT})`);
    } else {
      const nginx = await startNginx({ nginx: nginxBin, dir: join(ws.tmp, 'nginx'), file: served });
      ws.onCleanup(() => nginx.stop());
      nginxVersion = nginx.version;
      ngx = await measure(nginx.url, nginx.path, nginx.pid);
      await nginx.stop();
    }
    const plain = await startStaticFileServer(served);
    // Stopped once only: a second stop() of a child killed by a signal would wait for an exit that already happened.
    let plainStopped = null;
    const stopPlain = () => (plainStopped ??= plain.stop());
    ws.onCleanup(stopPlain);
    const node = await measure(plain.url, '/package.zip', plain.pid);
    await stopPlain();

    const errorText = (r) => (Object.keys(r.errors).length === 0 ? '0' : Object.entries(r.errors).map(([k, v]) => `${v}x ${k}`).join(', '));
    const ratio = (num, ref) => (num && ref ? fmt(num(reg) / num(ref), 2) : '');
    const rows = [
      ['downloads ok / attempted', (m) => `${m.r.succeeded} / ${clients * perClient}`, null],
      ['errors', (m) => errorText(m.r), null],
      ['bytes per download', (m) => String(m.r.bytes / Math.max(1, m.r.succeeded)), null],
      ['wall time (s)', (m) => fmt(m.r.wallMs / 1000, 2), (m) => m.r.wallMs],
      ['aggregate throughput (MiB/s)', (m) => fmt(m.r.throughputMiBps), (m) => m.r.throughputMiBps],
      ['latency mean (ms)', (m) => fmt(m.r.latency.mean, 0), (m) => m.r.latency.mean],
      ['latency median (ms)', (m) => fmt(m.r.latency.p50, 0), (m) => m.r.latency.p50],
      ['latency p99 (ms)', (m) => fmt(m.r.latency.p99, 0), (m) => m.r.latency.p99],
      ['latency max (ms)', (m) => fmt(m.r.latency.max, 0), (m) => m.r.latency.max],
      ['server CPU during the run (s)', (m) => fmt(m.serverCpu, 1), (m) => m.serverCpu],
      ['server disk writes during the run (MiB)', (m) => fmt(m.written / MiB, 0), null],
      ['load generator CPU (s)', (m) => fmt(m.clientCpu, 1), (m) => m.clientCpu],
      ['load1 before / after', (m) => m.load, null],
    ].map(([label, cell, num]) => [label, cell(reg), ngx === null ? 'skipped' : cell(ngx), cell(node), ratio(num, ngx), ratio(num, node)]);
    rows.push(
      [`registry peak VmRSS during ${clients} logins (MiB, sampled)`, fmt(loginPeak / MiB), '', '', '', ''],
      ['registry peak VmRSS during downloads (MiB, sampled)', fmt(downloadPeak / MiB), '', '', '', ''],
      ['registry VmHWM since boot (MiB)', fmt(mem.hwm / MiB), '', '', '', ''],
    );
    printTable(
      `[${args.mode}] ${clients} concurrent clients x ${perClient} full downloads of a ${fmt(pkg.zipBytes / MiB)} MiB package (registry of ${Number(args.models)} models), ${args.warm ? 'after two warm-up downloads 2 s apart, ' : ''}in this order`,
      ['metric', 'registry', 'nginx', 'node static', 'registry / nginx', 'registry / node static'],
      rows,
    );
    console.log(`references serve the registry's response body: ${got.bytes} B, sha256 ${got.sha256.slice(0, 16)}…${nginxVersion ? `; ${nginxVersion}` : ''}`);
    if (ngx !== null) {
      const x = reg.r.throughputMiBps / ngx.r.throughputMiBps;
      console.log(`target >= 0.7x of nginx's aggregate throughput: ${fmt(x, 2)}x, ${x >= 0.7 ? 'MET' : 'NOT met'}`);
    }
    printLogDigest(logFile);
    if ([reg, ngx, node].some((m) => m !== null && Object.keys(m.r.errors).length > 0)) process.exitCode = 1;
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
