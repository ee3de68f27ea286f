#!/usr/bin/env node
// @ts-check
// HF mirror benchmark (issue 12): a 100 MiB model file pulled through ModelGuard's Hugging Face API
// (GET /{repo}/resolve/main/{file} with an hf_ token) once it is stored, against reading the same blob straight from
// the registry's fs blob store; throughput ratio and the registry process's RSS. The upstream is a minimal local Hub
// (info, tree, resolve in the Hub's wire format) so the first pull-through is measured too, apart.
//
//   node bench/hf-mirror/run.mjs [--mib 100] [--reps 5]
//
// Uses a private compiled copy of the code (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ADMIN_NAME, authenticate, expectStatus, makeAgent, request } from '../registry/lib/client.mjs';
import { startRegistry } from '../registry/lib/registry-server.mjs';
import { printLogDigest } from '../registry/lib/server-log.mjs';
import { fmt, load1, mbps, MiB, printTable, summarize } from '../registry/lib/stats.mjs';
import { createWorkspace } from '../registry/lib/workspace.mjs';

const { values: args } = parseArgs({ options: { mib: { type: 'string', default: '100' }, reps: { type: 'string', default: '5' } } });
const size = Math.round(Number(args.mib) * MiB);
const reps = Math.max(1, Number(args.reps));
const REPO = 'bench-org/bench-model';
const COMMIT = 'b'.repeat(40);

const weights = safetensors(size);
const weightsSha = createHash('sha256').update(weights).digest('hex');
const readme = Buffer.from('---\nlicense: mit\n---\n# bench model\n\nA random 100 MiB weights file for the HF mirror benchmark.\n');
/** A valid safetensors file of exactly `total` bytes (one U8 tensor of random bytes), so the scanner passes it. */
function safetensors(total) {
  let dataLen = total - 8 - 128;
  let header = '';
  // The header names the data length, whose digit count changes the header length: iterate until both agree.
  for (let i = 0; i < 4; i++) {
    const json = JSON.stringify({ __metadata__: { format: 'pt' }, weight: { dtype: 'U8', shape: [dataLen], data_offsets: [0, dataLen] } });
    header = json + ' '.repeat((8 - (json.length % 8)) % 8);
    dataLen = total - 8 - header.length;
  }
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, Buffer.from(header), randomBytes(dataLen)]);
}
const gitOid = (/** @type {Buffer} */ data) => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');

/** The few Hub endpoints ingest reads, in the Hub's wire format (refs answers 404: no tags). */
function startUpstream() {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === `/api/models/${REPO}`) {
      return json(200, { _id: 'bench', id: REPO, sha: COMMIT, siblings: [{ rfilename: 'README.md' }, { rfilename: 'model.safetensors' }] });
    }
    if (path === `/api/models/${REPO}/tree/${COMMIT}`) {
      return json(200, [
        { type: 'file', path: 'README.md', size: readme.length, oid: gitOid(readme) },
        { type: 'file', path: 'model.safetensors', size, oid: COMMIT, lfs: { oid: weightsSha, size, pointerSize: 134 } },
      ]);
    }
    const file = path === `/${REPO}/resolve/${COMMIT}/README.md` ? readme : path === `/${REPO}/resolve/${COMMIT}/model.safetensors` ? weights : null;
    if (file !== null) return res.writeHead(200, { 'content-length': String(file.length), 'x-repo-commit': COMMIT }).end(file);
    return json(404, { error: 'Repository not found' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** GET through the mirror; counts bytes (and hashes them when asked) so the client's own cost stays small. */
function mirrorGet(base, token, agent, hash = false) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const digest = hash ? createHash('sha256') : null;
    let bytes = 0;
    const req = http.get(new URL(`/${REPO}/resolve/main/model.safetensors`, base), { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', (chunk) => {
        bytes += chunk.length;
        digest?.update(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes, ms: performance.now() - t0, sha256: digest?.digest('hex') }));
      res.on('error', reject);
    });
    req.setTimeout(900_000, () => req.destroy(new Error('mirror GET timed out')));
    req.on('error', reject);
  });
}

async function storeBaseline(dist, root) {
  const { FsBlobStore } = createRequire(import.meta.url)(join(dist, 'libs/platform/storage/src/index.js'));
  const store = new FsBlobStore(root);
  const times = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    let n = 0;
    const t0 = performance.now();
    await pipeline(await store.get(weightsSha), new Writable({ highWaterMark: 1 << 20, write: (c, _e, cb) => ((n += c.length), cb()) }));
    times.push(performance.now() - t0);
    bytes = n;
  }
  return { bytes, ms: summarize(times).p50 };
}

async function main() {
  const ws = await createWorkspace('hf-mirror');
  const upstream = await startUpstream();
  ws.onCleanup(() => new Promise((r) => upstream.close(() => r(undefined))));
  try {
    const address = /** @type {import('node:net').AddressInfo} */ (upstream.address());
    const dataDir = ws.dataDir('registry');
    const logFile = join(ws.tmp, 'server.log');
    const env = {
      HF_ENDPOINT: `http://127.0.0.1:${address.port}`,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      GATEWAY_RATING_GATE: 'false', // no upstream card worth rating here; the bench measures transfer
      GATEWAY_HF_MIRROR_WAIT_MS: '600000',
      AUTH_TOKEN_MAX_USES: '1000000',
    };
    const server = await startRegistry({ dist: ws.dist, dataDir, env, logFile });
    ws.onCleanup(() => server.stop());
    const agent = makeAgent(4);
    const admin = await authenticate(server.url, agent);
    const minted = expectStatus(await request(server.url, { method: 'POST', path: `/users/${ADMIN_NAME}/hf-tokens`, token: admin, agent, body: { label: 'bench' } }), [201], 'mint hf token');
    const token = minted.body.token;

    // First request: pull-through (ingest from the local Hub, scan), then the bytes. Reported apart.
    const first = await mirrorGet(server.url, token, agent, true);
    if (first.status !== 200 || first.sha256 !== weightsSha) throw new Error(`pull-through: HTTP ${first.status} ${String(first.headers['x-error-message'] ?? '')}`);
    const bootRss = server.memory().rss;
    server.resetSampledPeak();
    const times = [];
    for (let i = 0; i < reps; i++) {
      const r = await mirrorGet(server.url, token, agent, i === 0);
      if (r.status !== 200 || r.bytes !== size || (i === 0 && r.sha256 !== weightsSha)) throw new Error(`mirror GET ${i}: HTTP ${r.status}, ${r.bytes} bytes`);
      server.sampleNow();
      times.push(r.ms);
    }
    const mirrorLoad = load1();
    const peak = server.sampledPeak();
    const mirrorMs = summarize(times).p50;
    const base = await storeBaseline(ws.dist, join(dataDir, 'blobs'));
    const baseRate = mbps(base.bytes, base.ms);
    const mirrorRate = mbps(size, mirrorMs);
    printTable(`HF mirror vs blob store, ${fmt(size / MiB)} MiB file, median of ${reps}`, ['path', 'MiB', 's', 'MiB/s', 'ratio', 'load1'], [
      ['BlobStore.get (fs, same blob)', fmt(base.bytes / MiB), fmt(base.ms / 1000, 2), fmt(baseRate), '1.00', load1()],
      ['GET /{repo}/resolve/main/{file} (stored)', fmt(size / MiB), fmt(mirrorMs / 1000, 2), fmt(mirrorRate), fmt(mirrorRate / baseRate, 2), mirrorLoad],
      ['first request: pull-through + scan + bytes', fmt(size / MiB), fmt(first.ms / 1000, 2), fmt(mbps(size, first.ms)), '', ''],
    ]);
    printTable('registry process memory', ['when', 'RSS MiB'], [
      ['after the pull-through', fmt(bootRss / MiB)],
      ['peak sampled during mirror downloads', fmt(peak / MiB)],
    ]);
    printLogDigest(logFile);
  } finally {
    await ws.cleanup();
  }
}

await main();
