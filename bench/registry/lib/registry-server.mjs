// Driver-side handle on a registry child process: boot, IPC requests (seeding), RSS sampling, shutdown, cleanup.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail, openServerLog } from './server-log.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BOOT_TIMEOUT_MS = 180_000;

/** VmRSS / VmHWM (bytes) of a live process, from /proc/<pid>/status. */
export function procMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/**
 * Samples a process's VmRSS every 100 ms so the figures show the RSS curve per phase, not only the kernel's
 * high-water mark (VmHWM), which never comes down again.
 */
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
export async function startRegistry({ dist, dataDir, env = {}, logFile }) {
  const log = openServerLog(logFile);
  const child = fork(join(here, 'server-child.cjs'), [], {
    cwd: join(here, '../../..'), // the gateway serves openapi/ relative to the working directory
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, BENCH_DIST: dist, DATA_DIR: dataDir, HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', log.fd, log.fd, 'ipc'],
  });
  log.close(); // the child holds its own copy of the descriptor
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start in time; log tail:\n${logTail(logFile)}`)), BOOT_TIMEOUT_MS);
    child.on('message', (msg) => {
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
    /** process.memoryUsage() inside the registry process. */
    heapBreakdown: () => request({ type: 'memory' }),
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
