// @ts-check
// The gateway alone, as distributed mode runs it (`node dist/apps/gateway/src/main.js`): a real Postgres database of
// its own, fs blob store, in-process bus. Used to measure the gateway process's memory without the other services
// and PGlite that share the embedded process. No scanner runs here, so the benchmark records the scan verdict itself
// (what the scan service's ScanCompleted event would do) before downloading.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { authenticate } from './client.mjs';
import { procMemory, startRssSampler } from './registry-server.mjs';
import { logTail, openServerLog } from './server-log.mjs';
import { seedArtifacts } from './seed-artifacts.cjs';
import { repoRoot } from './workspace.mjs';

const ADMIN_DB_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BOOT_TIMEOUT_MS = 180_000;

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

async function withClient(connectionString, fn) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Starts the standalone gateway on a fresh database `mgbench_<pid>`; stop() drops the database again. */
/**
 * @param {{ dist: string, dataDir: string, env?: Record<string, string>, logFile: string }} options
 * @returns {Promise<import('./registry-server.mjs').RegistryHandle>}
 */
export async function startStandaloneGateway({ dist, dataDir, env = {}, logFile }) {
  const dbName = `mgbench_${process.pid}`;
  await withClient(ADMIN_DB_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName}`).then(() => c.query(`CREATE DATABASE ${dbName}`)));
  const dbUrl = new URL(ADMIN_DB_URL);
  dbUrl.pathname = `/${dbName}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openServerLog(logFile);
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway (written when SIGTERM stops it).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(dist, 'apps/gateway/src/main.js')], {
    cwd: repoRoot, // the gateway serves openapi/ relative to the working directory
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      // Throughput benchmarks hammer from one address with one token: the request rate limits would measure themselves.
      GATEWAY_RATE_LIMIT_PER_IDENTITY: '0',
      GATEWAY_RATE_LIMIT_PER_ADDRESS: '0',
      ...env,
      MODELGUARD_MODE: 'distributed',
      DATABASE_URL: dbUrl.toString(),
      JWT_SECRET: randomBytes(32).toString('hex'),
      MESSAGING_TRANSPORT: 'in-process',
      STORAGE_DRIVER: 'fs',
      STORAGE_ROOT: join(dataDir, 'blobs'),
      CACHE_DRIVER: 'memory',
      DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
    },
    stdio: ['ignore', log.fd, log.fd],
  });
  log.close();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const dropDatabase = () => withClient(ADMIN_DB_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  const stop = async () => {
    sampler.stop();
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    }
    await dropDatabase();
  };
  const sampler = startRssSampler(child.pid, () => exited);

  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await dropDatabase();
      throw new Error(`standalone gateway exited during start-up; log tail:\n${logTail(logFile)}`);
    }
    try {
      await authenticate(url);
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`standalone gateway did not start in time; log tail:\n${logTail(logFile)}`);
      }
      await sleep(500);
    }
  }

  return {
    url,
    pid: child.pid,
    memory: () => procMemory(child.pid),
    ...sampler.api,
    heapBreakdown: null, // no IPC channel into a plain `node main.js`
    /** The gateway's own database, for benchmarks that write rows a missing service would have written. */
    databaseUrl: dbUrl.toString(),
    /** Same rows as the embedded registry's IPC seeding, written over a plain pg connection to the gateway's database. */
    seed: async (options) => {
      const t0 = performance.now();
      const count = await withClient(dbUrl.toString(), (c) =>
        seedArtifacts({ options: { schema: 'gateway' }, query: (sql, params) => c.query(sql, params).then((r) => r.rows) }, options),
      );
      return { count, ms: performance.now() - t0 };
    },
    /** Stand-in for the scan service: records a clean verdict for every version of the artifact. */
    markScanned: (artifactId) =>
      withClient(dbUrl.toString(), (c) => c.query(`UPDATE gateway.artifact_versions SET scan_state = 'clean' WHERE artifact_id = $1`, [artifactId])),
    stop,
  };
}
