// @ts-check
// Driver-side handle on a registry child process: boot, IPC requests (seeding), RSS sampling, shutdown, cleanup.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail, openServerLog } from './server-log.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * What a benchmark drives, whichever process layout runs behind it (embedded registry or standalone gateway).
 * @typedef {object} RegistryHandle
 * @property {string} url gateway base URL
 * @property {number} pid the server process, whose memory is measured
 * @property {() => { rss: number, hwm: number }} memory VmRSS / VmHWM now, in bytes
 * @property {() => number} sampledPeak highest VmRSS sampled since start or the last reset
 * @property {() => void} resetSampledPeak
 * @property {() => void} sampleNow
 * @property {(options: { prefix: string, count: number, readmeBytes?: number }) => Promise<{ count: number, ms: number }>} seed
 * @property {(() => Promise<NodeJS.MemoryUsage>) | null} heapBreakdown process.memoryUsage() inside the server, when reachable
 * @property {((artifactId: string) => Promise<unknown>) | null} markScanned records a clean verdict when no scanner runs
 * @property {string} [databaseUrl] the gateway's Postgres database, when it runs on one (standalone gateway)
 * @property {() => Promise<void>} stop
 */
const BOOT_TIMEOUT_MS = 180_000;

/**
 * The memory settings `npm start` (scripts/start.sh) and the container (SERVICE=embedded) give the embedded process,
 * so the benchmarks measure what users run; an environment value of the caller's still wins (MALLOC_ARENA_MAX, or a
 * later --max-semi-space-size in BENCH_SERVER_NODE_ARGS). BENCH_EMBEDDED_UNTUNED=1 runs plain `node` for comparison
 * (with --heap-growing-percent=0, V8's default, which the embedded app then leaves alone instead of setting 100).
 */
const EMBEDDED_TUNING =
  process.env.BENCH_EMBEDDED_UNTUNED === '1'
    ? { env: {}, execArgv: ['--heap-growing-percent=0'] }
    : { env: { MALLOC_ARENA_MAX: '2' }, execArgv: ['--max-semi-space-size=4'] };

/** VmRSS / VmHWM (bytes) of a live process, from /proc/<pid>/status. */
/** @param {number} pid */
export function procMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/**
 * Samples a process's VmRSS every 100 ms so the figures show the RSS curve per phase, not only the kernel's
 * high-water mark (VmHWM), which never comes down again.
 */
/** @param {number} pid @param {() => boolean} isGone */
export function startRssSampler(pid, isGone) {
  let peak = 0;
  const sample = () => {
    if (!isGone()) peak = Math.max(peak, procMemory(pid).rss);
  };
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    api: {
      /** Highest VmRSS sampled since start or the last reset. */
      sampledPeak: () => peak,
      resetSampledPeak: () => {
        peak = 0;
        sample();
      },
      /** Takes one sample now (so a phase shorter than the sampling interval still counts). */
      sampleNow: sample,
    },
  };
}

/**
 * Starts the embedded registry from a dist snapshot with its own DATA_DIR; its output goes to `logFile`. `env`
 * adds/overrides variables. Resolves once the gateway listens.
 */
/**
 * @param {{ dist: string, dataDir: string, env?: Record<string, string>, logFile: string }} options
 * @returns {Promise<RegistryHandle>}
 */
export async function startRegistry({ dist, dataDir, env = {}, logFile }) {
  const log = openServerLog(logFile);
  const child = fork(join(here, 'server-child.cjs'), [], {
    cwd: join(here, '../../..'), // the gateway serves openapi/ relative to the working directory
    // Rate limits off: throughput benchmarks hammer from one address with one token (see gateway-server.mjs).
    env: { ...EMBEDDED_TUNING.env, ...process.env, LOG_LEVEL: 'warn', GATEWAY_RATE_LIMIT_PER_IDENTITY: '0', GATEWAY_RATE_LIMIT_PER_ADDRESS: '0', ...env, BENCH_DIST: dist, DATA_DIR: dataDir, HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', log.fd, log.fd, 'ipc'],
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server, not the load generator.
    execArgv: [...EMBEDDED_TUNING.execArgv, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
  });
  log.close(); // the child holds its own copy of the descriptor
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start in time; log tail:\n${logTail(logFile)}`)), BOOT_TIMEOUT_MS);
    child.on('message', (/** @type {any} */ msg) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.url);
        return;
      }
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(msg.error));
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`registry exited during start-up (code ${code}); log tail:\n${logTail(logFile)}`));
      for (const w of pending.values()) w.reject(new Error(`registry exited (code ${code})`));
    });
  });

  /** @type {(msg: object) => Promise<any>} */
  const request = (msg) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...msg, id });
    });

  const sampler = startRssSampler(child.pid, () => exited);

  return {
    url,
    pid: child.pid,
    memory: () => procMemory(child.pid),
    ...sampler.api,
    seed: (options) => request({ type: 'seed', options }),
    heapBreakdown: () => request({ type: 'memory' }),
    markScanned: null, // the scan service runs inside the embedded process
    async stop() {
      sampler.stop();
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop', id: 0 });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts the embedded registry twice on the same DATA_DIR and returns the second instance. The first start on an
 * empty DATA_DIR runs PGlite's initdb, a one-off spike of several hundred MiB that says nothing about serving; its
 * memory is returned as `firstBoot` so it can be reported on its own.
 * @param {{ dist: string, dataDir: string, env?: Record<string, string>, logFile: string }} options
 * @returns {Promise<{ server: RegistryHandle, firstBoot: { rss: number, hwm: number } }>}
 */
export async function startRegistryRestarted(options) {
  const init = await startRegistry(options);
  const firstBoot = init.memory();
  await init.stop();
  return { server: await startRegistry(options), firstBoot };
}
