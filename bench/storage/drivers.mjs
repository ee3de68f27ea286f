#!/usr/bin/env node
// @ts-check
// Blob store drivers side by side (issue 13.3): fs vs S3 (S3Mock) vs postgres (chunk rows), through the same
// BlobStore API the services use, hashing included. Two workloads: one large blob written and read back whole,
// and many small blobs (put then get, a few at a time, as the extractor and scanners do). A plain file write/read
// of the same bytes (no hashing, no store) is the machine's reference. Each cell is the median of `--runs`.
//
//   node bench/storage/drivers.mjs [--mib 64] [--small 400] [--small-kib 16] [--concurrency 8] [--runs 3]
//        [--s3 $TEST_S3_ENDPOINT] [--pg $TEST_DATABASE_URL] [--pg-chunk-kib 1024]
//
// Uses a private compiled copy of the code (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { prepareDist } from '../registry/lib/private-dist.mjs';
import { repoRoot } from '../registry/lib/workspace.mjs';

const MiB = 1024 * 1024;
const { values: args } = parseArgs({
  options: {
    mib: { type: 'string', default: '64' },
    small: { type: 'string', default: '400' },
    'small-kib': { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    s3: { type: 'string', default: process.env['TEST_S3_ENDPOINT'] ?? 'http://127.0.0.1:9090' },
    pg: { type: 'string', default: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'pg-chunk-kib': { type: 'string', default: '1024' },
  },
});
const bigBytes = Number(args.mib) * MiB;
const smallCount = Number(args.small);
const smallBytes = Number(args['small-kib']) * 1024;
const concurrency = Number(args.concurrency);
const runs = Number(args.runs);

const out = join(repoRoot, 'bench', '.out');
mkdirSync(out, { recursive: true });
const dist = prepareDist(join(out, 'storage-drivers-build'));
const require = createRequire(import.meta.url);
const storage = require(join(dist, 'libs/platform/storage/src/index.js'));

/** `total` bytes in 64 KiB pieces (what an HTTP request body delivers), content varied per piece. */
function source(total, seed = randomBytes(64 * 1024)) {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(seed.length, total - sent);
      const piece = Buffer.from(seed.subarray(0, n));
      piece.writeUInt32BE(sent >>> 0, 0);
      sent += n;
      this.push(piece);
    },
  });
}

async function drain(stream) {
  const hash = createHash('sha256');
  let n = 0;
  for await (const c of stream) {
    hash.update(c);
    n += c.length;
  }
  return { n, sha256: hash.digest('hex') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function measureStore(store) {
  const rows = { bigPut: [], bigGet: [], smallPut: [], smallGet: [] };
  for (let r = 0; r < runs; r += 1) {
    let t0 = process.hrtime.bigint();
    const big = await store.put(source(bigBytes), { sizeHint: bigBytes });
    rows.bigPut.push(bigBytes / MiB / seconds(t0));
    t0 = process.hrtime.bigint();
    const read = await drain(await store.get(big.sha256));
    rows.bigGet.push(bigBytes / MiB / seconds(t0));
    if (read.sha256 !== big.sha256 || read.n !== bigBytes) throw new Error('large blob read back wrong');

    const seeds = Array.from({ length: smallCount }, () => randomBytes(smallBytes));
    const ids = [];
    t0 = process.hrtime.bigint();
    await pool(seeds, concurrency, async (b) => ids.push((await store.put(Readable.from([b]), { sizeHint: b.length })).sha256));
    rows.smallPut.push(smallCount / seconds(t0));
    t0 = process.hrtime.bigint();
    await pool(ids, concurrency, async (id) => drain(await store.get(id)));
    rows.smallGet.push(smallCount / seconds(t0));
    await store.deleteMany([big.sha256, ...ids]);
  }
  return { bigPut: median(rows.bigPut), bigGet: median(rows.bigGet), smallPut: median(rows.smallPut), smallGet: median(rows.smallGet) };
}

/** The reference: the same bytes through a plain file (no hashing, no naming, no fsync), and small files one each. */
async function measurePlainFile(dir) {
  const rows = { bigPut: [], bigGet: [], smallPut: [], smallGet: [] };
  for (let r = 0; r < runs; r += 1) {
    const file = join(dir, `plain-${r}`);
    let t0 = process.hrtime.bigint();
    await pipeline(source(bigBytes), createWriteStream(file));
    rows.bigPut.push(bigBytes / MiB / seconds(t0));
    t0 = process.hrtime.bigint();
    await drain(createReadStream(file));
    rows.bigGet.push(bigBytes / MiB / seconds(t0));
    const names = Array.from({ length: smallCount }, (_, i) => join(dir, `small-${r}-${i}`));
    t0 = process.hrtime.bigint();
    await pool(names, concurrency, (f) => pipeline(Readable.from([randomBytes(smallBytes)]), createWriteStream(f)));
    rows.smallPut.push(smallCount / seconds(t0));
    t0 = process.hrtime.bigint();
    await pool(names, concurrency, (f) => drain(createReadStream(f)));
    rows.smallGet.push(smallCount / seconds(t0));
  }
  return { bigPut: median(rows.bigPut), bigGet: median(rows.bigGet), smallPut: median(rows.smallPut), smallGet: median(rows.smallGet) };
}

const root = mkdtempSync(join(tmpdir(), 'mg-bench-drivers-'));
const pgSchema = `blob_store_bench_${process.pid}`;
const s3 = new storage.S3BlobStore({ endpoint: args.s3, region: 'us-east-1', bucket: `mg-bench-drivers-${process.pid}`, accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 16 * MiB });
const pg = new storage.PostgresBlobStore({ url: args.pg, poolSize: concurrency + 2, chunkSizeBytes: Number(args['pg-chunk-kib']) * 1024, schema: pgSchema });
const results = [];
try {
  results.push({ name: 'plain file (reference)', ...(await measurePlainFile(root)) });
  results.push({ name: 'fs', ...(await measureStore(new storage.FsBlobStore(join(root, 'store')))) });
  await s3.ensureBucket();
  results.push({ name: 's3 (S3Mock)', ...(await measureStore(s3)) });
  await pg.ensureSchema();
  results.push({ name: `postgres (${args['pg-chunk-kib']} KiB rows)`, ...(await measureStore(pg)) });
} finally {
  rmSync(root, { recursive: true, force: true });
  await pg.pool.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`).catch(() => undefined);
  await pg.destroy();
  s3.destroy();
}

const pgVersion = (() => {
  try {
    return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'PostgreSQL (server version not probed)';
  }
})();
console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}; ${pgVersion}; S3Mock at ${args.s3}`);
console.log(`Large: one ${args.mib} MiB blob; small: ${smallCount} x ${args['small-kib']} KiB, ${concurrency} at a time; median of ${runs} runs.\n`);
console.log(`| driver | ${args.mib} MiB put MiB/s | ${args.mib} MiB get MiB/s | small put /s | small get /s |`);
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.bigPut.toFixed(0)} | ${r.bigGet.toFixed(0)} | ${r.smallPut.toFixed(0)} | ${r.smallGet.toFixed(0)} |`);
}
