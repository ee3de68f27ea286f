#!/usr/bin/env node
// @ts-check
// Upload → scan verdict latency over real Kafka (issue 13: "p50 < 1 s, p99 < 3 s as scoring and lineage add work").
// Starts the distributed layout (bench/soak/lib/fleet.mjs: audit, scan, ingest, scoring, lineage and the gateway, each
// its own process over Kafka, PostgreSQL, Redis and S3Mock from the running dev infra), uploads N small packages
// (16 KiB safetensors + config.json + README.md, as the soak's upload lane) through POST /artifact/model/package and,
// for each, measures
//   client: from sending the upload to GET /artifacts/model/{id}/versions showing a scan_state other than pending
//           (polled every --poll-ms, 20 ms by default, so the figure is at most that much late);
//   server: from gateway.artifact_versions.created_at to the gateway's inbox row for the ScanCompleted/ScanFailed
//           event (gateway.inbox.processed_at), both now() of their transactions on the same Postgres clock — i.e.
//           from the upload's recording transaction starting to the verdict's recording transaction starting.
// and splits the server time into hops with the outbox rows (see STAGES). Exits 1 if any upload or wait failed.
//
//   node bench/scan/verdict-latency.mjs [--count 100] [--concurrency 1] [--poll-ms 20]
//
// Uses a private compiled copy of the code (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { authenticate, makeAgent, request } from '../registry/lib/client.mjs';
import { writeModelPackage } from '../registry/lib/package-zip.mjs';
import { digestServerLog } from '../registry/lib/server-log.mjs';
import { fmt, load1, pool, printTable, summarize } from '../registry/lib/stats.mjs';
import { createWorkspace } from '../registry/lib/workspace.mjs';
import { startFleet } from '../soak/lib/fleet.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '1' },
    'poll-ms': { type: 'string', default: '20' },
  },
});
const count = Number(args.count);
const concurrency = Number(args.concurrency);
const pollMs = Number(args['poll-ms']);
if (!(count > 0 && concurrency > 0 && pollMs > 0)) throw new Error('--count, --concurrency and --poll-ms must be positive');
const ADMIN_DB_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WAIT_TIMEOUT_MS = 120_000;

/** Uploads one package and polls its versions until the verdict shows; never throws (a failure is a result). */
async function one(base, token, agent, zipPath, name) {
  const t0 = performance.now();
  try {
    const up = await request(base, { method: 'POST', path: `/artifact/model/package?name=${name}`, token, agent, body: { file: zipPath } });
    if (up.status !== 201) return { name, error: `upload HTTP ${up.status} ${JSON.stringify(up.body).slice(0, 200)}` };
    const id = up.body.metadata.id;
    for (;;) {
      const res = await request(base, { path: `/artifacts/model/${id}/versions`, token, agent });
      if (res.status !== 200) return { name, id, error: `versions HTTP ${res.status}` };
      const latest = res.body[res.body.length - 1];
      if (latest && latest.scan_state !== 'pending') return { name, id, uploadMs: up.ms, clientMs: performance.now() - t0, verdict: latest.scan_state };
      if (performance.now() - t0 > WAIT_TIMEOUT_MS) return { name, id, error: `verdict still pending after ${WAIT_TIMEOUT_MS} ms` };
      await sleep(pollMs);
    }
  } catch (err) {
    return { name, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Per artifact, the timestamps the services wrote themselves (ms since the version row): the gateway's outbox row for
 * the package event (created in the upload's transaction; published_at when the relay handed it to Kafka), the scan
 * service's outbox row for the verdict (created in the scan's recording transaction), and the gateway inbox row.
 */
function stagesSql(topics) {
  return `
  SELECT v.artifact_id,
    extract(epoch FROM go.published_at - v.created_at) * 1000 AS relay_pkg,
    extract(epoch FROM so.created_at - v.created_at) * 1000 AS scanned,
    extract(epoch FROM so.published_at - v.created_at) * 1000 AS relay_verdict,
    extract(epoch FROM gi.processed_at - v.created_at) * 1000 AS recorded
  FROM gateway.artifact_versions v
  LEFT JOIN gateway.outbox go ON go.topic = '${topics.pkg}' AND go.envelope->'payload'->>'artifactId' = v.artifact_id
  LEFT JOIN scan.outbox so ON so.topic IN ('${topics.done}', '${topics.failed}') AND so.envelope->'payload'->>'artifactId' = v.artifact_id
  LEFT JOIN gateway.inbox gi ON gi.event_id = so.event_id AND gi.topic = so.topic
  WHERE v.artifact_id = ANY($1)`;
}

async function serverStages(fleetId, dist, ids) {
  const req = createRequire(import.meta.url);
  const { Topic } = req(join(dist, 'libs/contracts/src/index.js'));
  const url = new URL(ADMIN_DB_URL);
  url.pathname = `/mgsoak_${fleetId}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const sql = stagesSql({ pkg: Topic.PackageUploadedV2, done: Topic.ScanCompleted, failed: Topic.ScanFailed });
    const rows = (await client.query(sql, [ids])).rows.map((r) => ({ ...r, ...Object.fromEntries(STAGES.map((s) => [s.key, r[s.key] === null ? NaN : Number(r[s.key])])) }));
    // Evidence the other consumers (scoring, lineage, audit, ingest) were busy with the same events meanwhile.
    const schemas = (await client.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'inbox' ORDER BY 1`)).rows.map((r) => r.table_schema);
    const consumed = [];
    for (const sc of schemas) consumed.push(`${sc} ${(await client.query(`SELECT count(*)::int AS n FROM "${sc}".inbox`)).rows[0].n}`);
    return { rows, consumed: consumed.join(', ') };
  } finally {
    await client.end();
  }
}

const STAGES = [
  { key: 'recorded', label: 'SERVER version row → verdict recorded', from: 'gateway.inbox.processed_at' },
  { key: 'relay_pkg', label: '  package event on Kafka', from: 'gateway.outbox.published_at (PackageUploadedV2)' },
  { key: 'scanned', label: '  verdict computed', from: 'scan.outbox.created_at (ScanCompleted/ScanFailed)' },
  { key: 'relay_verdict', label: '  verdict event on Kafka', from: 'scan.outbox.published_at' },
];

async function main() {
  const ws = await createWorkspace('verdict');
  try {
    const fleet = await startFleet({ dist: ws.dist, logDir: ws.tmp, extraEnv: { AUTH_TOKEN_MAX_USES: '1000000' } });
    ws.onCleanup(() => fleet.stop());
    const base = fleet.gatewayUrl;
    const agent = makeAgent(Math.max(4, concurrency * 2));
    const token = await authenticate(base, agent);
    const zipPath = join(ws.tmp, 'small.zip');
    const zip = await writeModelPackage(zipPath, { weightBytes: 16 * 1024, shards: 1 });
    // One untimed package first: the first upload pays for lazy connections and JIT in every service.
    const warm = await one(base, token, agent, zipPath, `verdict-${fleet.id}-warm`);
    if (warm.error) throw new Error(`warm-up failed: ${warm.error}`);
    console.error(`fleet up (${Object.keys(fleet.services).join(', ')}); ${count} uploads, concurrency ${concurrency}, poll ${pollMs} ms; load1 ${load1()}`);

    const loadBefore = load1();
    const t0 = performance.now();
    /** @type {any[]} */
    const results = [];
    await pool(count, concurrency, async (i) => void results.push(await one(base, token, agent, zipPath, `verdict-${fleet.id}-${i}`)));
    const wallS = (performance.now() - t0) / 1000;
    const loadAfter = load1();

    const ok = results.filter((r) => !r.error);
    const failed = results.filter((r) => r.error);
    const { rows: stages, consumed } = await serverStages(fleet.id, ws.dist, ok.map((r) => r.id));
    const missing = ok.length - stages.filter((s) => Number.isFinite(s.recorded)).length;
    const row = (label, from, values) => {
      const s = summarize(values.filter(Number.isFinite));
      return [label, s.n, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max), from];
    };
    printTable(
      `Upload → verdict, ${ok.length}/${count} packages of ${zip.zipBytes} B, concurrency ${concurrency}, ${fmt(wallS, 1)} s; load1 ${loadBefore} before, ${loadAfter} after; ms`,
      ['measure', 'n', 'p50', 'p95', 'p99', 'max', 'from → to'],
      [
        row('CLIENT upload sent → verdict visible', `POST sent → versions scan_state != pending (poll ${pollMs} ms)`, ok.map((r) => r.clientMs)),
        row('  of which upload response', 'POST sent → 201 received', ok.map((r) => r.uploadMs)),
        ...STAGES.map((s) => row(s.label, `gateway.artifact_versions.created_at → ${s.from}`, stages.map((x) => x[s.key]))),
      ],
    );
    const verdicts = [...ok.reduce((m, r) => m.set(r.verdict, (m.get(r.verdict) ?? 0) + 1), new Map())].map(([v, n]) => `${v} x${n}`).join(', ');
    console.log(`\nverdicts: ${verdicts || 'none'}; ${failed.length} failed; ${missing} without a server-side verdict row`);
    console.log(`events each service consumed over the run (inbox rows): ${consumed}`);
    for (const f of failed.slice(0, 10)) console.log(`  failed: ${f.name}: ${f.error}`);
    for (const n of Object.keys(fleet.services)) for (const line of digestServerLog(join(ws.tmp, `${n}.log`)).topErrors) console.log(`  ${n} log: ${line}`);
    const c = summarize(ok.map((r) => r.clientMs));
    const s = summarize(stages.map((x) => x.recorded).filter(Number.isFinite));
    const met = (x) => (x.p50 < 1000 && x.p99 < 3000 ? 'met' : 'NOT met');
    console.log(`target p50 < 1 s, p99 < 3 s: client ${met(c)}, server ${met(s)}`);
    process.exitCode = failed.length === 0 && missing === 0 ? 0 : 1;
  } finally {
    await ws.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
