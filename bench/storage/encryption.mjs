#!/usr/bin/env node
// @ts-check
// Encryption-at-rest benchmark (issue 11.3): streams N MiB (default 1 GiB) into the blob store and back out, plain
// vs AES-256-GCM envelope encryption, and reports throughput and peak RSS of each phase. Each run is a separate
// child process so the RSS figures do not contaminate each other.
//
//   node bench/storage/encryption.mjs [--mib 1024] [--s3 http://127.0.0.1:19090]   (default driver: fs in a temp dir)
//
// Uses a private compiled copy of the code (bench/registry/lib/private-dist.mjs; BENCH_DIST reuses one).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareDist } from '../registry/lib/private-dist.mjs';
import { repoRoot } from '../registry/lib/workspace.mjs';

const MiB = 1024 * 1024;
const { values: args } = parseArgs({
  options: { mib: { type: 'string', default: '1024' }, s3: { type: 'string' }, child: { type: 'string' }, dist: { type: 'string' } },
});
const total = Number(args.mib) * MiB;

if (args.child) {
  const result = await runChild(/** @type {string} */ (args.dist), args.child === 'encrypted');
  process.stdout.write(JSON.stringify(result));
} else {
  const out = join(repoRoot, 'bench', '.out');
  mkdirSync(out, { recursive: true });
  const dist = prepareDist(join(out, 'storage-encryption-build'));
  const rows = [];
  for (const mode of ['plain', 'encrypted']) {
    const extra = args.s3 ? ['--s3', args.s3] : [];
    const json = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, '--dist', dist, '--mib', String(args.mib), ...extra], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    rows.push({ mode, ...JSON.parse(json) });
  }
  console.log(`driver ${args.s3 ? 's3' : 'fs'}, ${args.mib} MiB stream`);
  console.log('mode       upload MiB/s  upload peak RSS growth  download MiB/s  download peak RSS growth  stored bytes');
  for (const r of rows) {
    console.log(
      `${r.mode.padEnd(10)} ${r.upMiBs.toFixed(0).padStart(12)}  ${(r.upRss / MiB).toFixed(1).padStart(18)} MiB  ${r.downMiBs.toFixed(0).padStart(14)}  ${(r.downRss / MiB).toFixed(1).padStart(20)} MiB  ${r.stored}`,
    );
  }
}

/** One mode in this process: put `total` bytes, read them back, verify the digest. */
async function runChild(dist, encrypted) {
  const require = createRequire(import.meta.url);
  const storage = require(join(dist, 'libs/platform/storage/src/index.js'));
  const root = mkdtempSync(join(tmpdir(), 'mg-bench-enc-'));
  const driver = args.s3
    ? new storage.S3BlobStore({ endpoint: args.s3, region: 'us-east-1', bucket: `mg-bench-${process.pid}`, accessKeyId: 'test', secretAccessKey: 'test', forcePathStyle: true, multipartPartSizeBytes: 16 * MiB })
    : new storage.FsBlobStore(root);
  if (args.s3) await driver.ensureBucket();
  const store = encrypted ? new storage.EncryptedBlobStore(driver, new storage.LocalKeyWrapper(randomBytes(32))) : driver;
  try {
    const up = await measure(async () => store.put(pattern(total)));
    const sha256 = up.value.sha256;
    const down = await measure(async () => {
      const h = createHash('sha256');
      for await (const c of await store.get(sha256)) h.update(c);
      if (h.digest('hex') !== sha256) throw new Error('read back wrong content');
    });
    const stored = encrypted ? undefined : total;
    const rawSize = (await driver.stat(sha256))?.size ?? stored;
    await store.delete(sha256);
    return { upMiBs: total / MiB / up.seconds, upRss: up.rss, downMiBs: total / MiB / down.seconds, downRss: down.rss, stored: rawSize };
  } finally {
    rmSync(root, { recursive: true, force: true });
    if (args.s3) {
      const { DeleteBucketCommand } = require(require.resolve('@aws-sdk/client-s3', { paths: [repoRoot] }));
      await driver.client.send(new DeleteBucketCommand({ Bucket: driver.bucket })).catch(() => undefined);
      driver.destroy();
    }
  }
}

/** @template T @param {() => Promise<T>} fn */
async function measure(fn) {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = process.hrtime.bigint();
  try {
    const value = await fn();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { value, seconds, rss: Math.max(peak, process.memoryUsage().rss) - base };
  } finally {
    clearInterval(timer);
  }
}

/** `n` bytes in 1 MiB pieces from one reused random block (varied per piece so content is not repetitive). */
function pattern(n) {
  const block = randomBytes(MiB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= n) return void this.push(null);
      const len = Math.min(MiB, n - sent);
      block.writeUInt32BE(sent >>> 0, 0);
      sent += len;
      this.push(Buffer.from(block.subarray(0, len)));
    },
  });
}
