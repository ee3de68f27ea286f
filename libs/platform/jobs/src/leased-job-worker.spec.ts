import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogger, LeasedJobPort, LeasedJobWorkerOptions } from './leased-job.port';
import { LeasedJobWorker } from './leased-job-worker';

interface Job {
  id: string;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(5);
    }
  }
}

/** An in-memory job table: claim hands out queued jobs in order; each job runs until the test settles it. */
class FakePort implements LeasedJobPort<Job> {
  readonly queue: Job[] = [];
  readonly claims: Array<{ workerId: string; limit: number; leaseMs: number }> = [];
  readonly beats: string[][] = [];
  readonly released: string[] = [];
  readonly started: string[] = [];
  readonly signals = new Map<string, AbortSignal>();
  readonly runs = new Map<string, Deferred>();
  running = 0;
  maxRunning = 0;
  failClaims = 0;
  failBeats = false;
  failRelease = false;
  /** When set, process() behaves like this instead of waiting for the test. */
  behaviour?: (job: Job, signal: AbortSignal) => Promise<void>;

  add(...ids: string[]): void {
    for (const id of ids) this.queue.push({ id });
  }

  async claim(workerId: string, limit: number, leaseMs: number): Promise<Job[]> {
    this.claims.push({ workerId, limit, leaseMs });
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error('database unavailable');
    }
    return this.queue.splice(0, limit);
  }

  async heartbeat(_workerId: string, _leaseMs: number, workingOn: string[]): Promise<void> {
    this.beats.push(workingOn);
    if (this.failBeats) throw new Error('heartbeat refused');
  }

  async releaseAll(workerId: string): Promise<void> {
    if (this.failRelease) throw new Error('release refused');
    this.released.push(workerId);
  }

  keyOf(job: Job): string {
    return `key-${job.id}`;
  }

  describe(job: Job): string {
    return `job ${job.id}`;
  }

  async process(job: Job, signal: AbortSignal): Promise<void> {
    this.started.push(job.id);
    this.signals.set(job.id, signal);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.behaviour) return await this.behaviour(job, signal);
      const run = deferred();
      this.runs.set(job.id, run);
      await run.promise;
    } finally {
      this.running--;
    }
  }

  finish(id: string): void {
    const run = this.runs.get(id);
    if (!run) throw new Error(`job ${id} is not running`);
    run.resolve();
  }
}

class CapturingLogger implements JobLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

const options = (over: Partial<LeasedJobWorkerOptions> = {}): LeasedJobWorkerOptions => ({
  kind: 'test',
  workerId: 'worker-1',
  concurrency: 2,
  leaseMs: 3_000,
  heartbeatMs: 1_000,
  pollMs: 20,
  shutdownGraceMs: 1_000,
  cancelSettleMs: 1_000,
  autoStart: false,
  ...over,
});

let started: Array<{ port: FakePort; worker: LeasedJobWorker<Job> }> = [];

function setup(over: Partial<LeasedJobWorkerOptions> = {}) {
  const port = new FakePort();
  const logger = new CapturingLogger();
  const worker = new LeasedJobWorker(port, options(over), logger);
  started.push({ port, worker });
  return { port, logger, worker };
}

afterEach(async () => {
  // Never leave a loop polling into the next test, whatever the test did: let every job end, then stop.
  for (const { port, worker } of started) {
    for (const run of port.runs.values()) run.resolve();
    await worker.stop();
  }
  started = [];
});

describe('LeasedJobWorker claiming', () => {
  it('claims only as many jobs as there are free slots and processes them in claim order', async () => {
    const { port, worker } = setup({ concurrency: 2 });
    port.add('a', 'b', 'c', 'd', 'e');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a', 'b']));
    expect(port.claims[0]).toEqual({ workerId: 'worker-1', limit: 2, leaseMs: 3_000 });
    await sleep(60); // several polls: no claim while both slots are busy
    expect(port.started).toEqual(['a', 'b']);
    expect(port.claims.every((c) => c.limit >= 1)).toBe(true);
    expect(worker.activeJobs).toBe(2);

    port.finish('a');
    await eventually(() => expect(port.started).toEqual(['a', 'b', 'c']));
    expect(port.claims.at(-1)?.limit).toBe(1);
    for (const id of ['b', 'c']) port.finish(id);
    await eventually(() => expect(port.started).toEqual(['a', 'b', 'c', 'd', 'e']));
    for (const id of ['d', 'e']) port.finish(id);
    await eventually(() => expect(worker.activeJobs).toBe(0));
    expect(port.maxRunning).toBe(2);
  });

  it('never runs more than `concurrency` jobs at once, however many are queued', async () => {
    const { port, worker } = setup({ concurrency: 3 });
    port.behaviour = () => sleep(10);
    port.add(...Array.from({ length: 20 }, (_, i) => `j${i}`));
    worker.start();
    await eventually(() => expect(port.started).toHaveLength(20));
    await eventually(() => expect(worker.activeJobs).toBe(0));
    expect(port.maxRunning).toBe(3);
  });

  it('notify() wakes an idle loop at once instead of at the next poll', async () => {
    const { port, worker } = setup({ pollMs: 60_000 });
    worker.start();
    await eventually(() => expect(port.claims).toHaveLength(1));
    await sleep(20);
    port.add('late');
    expect(port.started).toEqual([]);
    worker.notify();
    await eventually(() => expect(port.started).toEqual(['late']), 500);
  });

  it('without notify() a new job waits for the poll', async () => {
    const { port, worker } = setup({ pollMs: 60_000 });
    worker.start();
    await eventually(() => expect(port.claims).toHaveLength(1));
    port.add('late');
    await sleep(100);
    expect(port.started).toEqual([]);
  });

  it('a failed claim is logged and retried after the poll delay', async () => {
    const { port, worker, logger } = setup();
    port.failClaims = 2;
    port.add('a');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a']));
    expect(port.claims.length).toBeGreaterThanOrEqual(3);
    expect(logger.lines.filter((l) => l === 'warn claiming test jobs failed: Error: database unavailable')).toHaveLength(2);
  });

  it('a job that rejects or throws is logged and does not stop the loop or leak its slot', async () => {
    const { port, worker, logger } = setup({ concurrency: 1 });
    port.behaviour = async (job) => {
      if (job.id === 'reject') throw new Error('boom');
    };
    port.add('reject', 'fine-1');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['reject', 'fine-1']));
    expect(logger.lines).toContain('error job reject crashed: Error: boom');

    // A process() that throws synchronously (not an async function) is contained the same way.
    port.process = (job: Job) => {
      port.started.push(job.id);
      if (job.id === 'sync') throw new Error('sync boom');
      return Promise.resolve();
    };
    port.add('sync', 'fine-2');
    worker.notify();
    await eventually(() => expect(port.started).toEqual(['reject', 'fine-1', 'sync', 'fine-2']));
    expect(logger.lines).toContain('error job sync crashed: Error: sync boom');
    await eventually(() => expect(worker.activeJobs).toBe(0));
  });
});

describe('LeasedJobWorker leases', () => {
  it('heartbeats the keys of the jobs in flight, and survives a failing heartbeat', async () => {
    const { port, worker, logger } = setup({ heartbeatMs: 20 });
    port.add('a', 'b');
    worker.start();
    await eventually(() => expect(port.beats.at(-1)).toEqual(['key-a', 'key-b']));
    port.failBeats = true;
    await eventually(() => expect(logger.lines).toContain('warn lease heartbeat failed: Error: heartbeat refused'));
    port.failBeats = false;
    port.finish('a');
    await eventually(() => expect(port.beats.at(-1)).toEqual(['key-b']));
    port.finish('b');
  });
});

describe('LeasedJobWorker lifecycle', () => {
  it('starts on bootstrap only with autoStart, and start() is idempotent', async () => {
    const manual = setup({ autoStart: false });
    manual.worker.onApplicationBootstrap();
    await sleep(30);
    expect(manual.port.claims).toHaveLength(0);

    const auto = setup({ autoStart: true });
    auto.worker.onApplicationBootstrap();
    auto.worker.start();
    await eventually(() => expect(auto.port.claims.length).toBeGreaterThan(0));
    expect(auto.logger.lines.filter((l) => l.startsWith('log test worker worker-1 started'))).toHaveLength(1);
  });

  it('stop() lets in-flight jobs finish within the grace period, then releases the leases', async () => {
    const { port, worker } = setup({ shutdownGraceMs: 1_000, heartbeatMs: 20 });
    port.add('a');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a']));
    const stopped = worker.stop();
    await sleep(60);
    port.add('b');
    worker.notify();
    // Still working on `a` within the grace period: not aborted, still heartbeated, nothing new claimed.
    expect(port.signals.get('a')?.aborted).toBe(false);
    const beatsDuringGrace = port.beats.length;
    await sleep(50);
    expect(port.beats.length).toBeGreaterThan(beatsDuringGrace);
    expect(port.released).toEqual([]);
    port.finish('a');
    await stopped;
    expect(port.signals.get('a')?.aborted).toBe(false);
    expect(port.started).toEqual(['a']);
    expect(port.released).toEqual(['worker-1']);
    expect(worker.activeJobs).toBe(0);
  });

  it('stop() aborts jobs still running after the grace period and waits for them before releasing', async () => {
    const { port, worker, logger } = setup({ shutdownGraceMs: 30 });
    const seenAbort: string[] = [];
    port.behaviour = (job, signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          // Like a download noticing at its next socket event: after a while, not synchronously.
          setTimeout(() => {
            seenAbort.push(job.id);
            resolve();
          }, 20);
        });
      });
    port.add('a', 'b');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a', 'b']));
    await worker.stop();
    expect(seenAbort.sort()).toEqual(['a', 'b']);
    expect(logger.lines).toContain('warn cancelling 2 unfinished test job(s) and releasing them to other workers');
    expect(port.released).toEqual(['worker-1']);
  });

  it('a job that fails once its worker is stopping is left to another worker, not logged as a crash', async () => {
    const { port, worker, logger } = setup({ shutdownGraceMs: 20 });
    // Like a job whose service closed its database under it during shutdown.
    port.behaviour = (_job, signal) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('Driver not Connected'))));
    port.add('a');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a']));
    await worker.stop();
    expect(logger.lines).toContain('warn job a did not finish before worker-1 stopped; left to another worker: Error: Driver not Connected');
    expect(logger.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(port.released).toEqual(['worker-1']);
  });

  it('with no grace period stop() aborts at once and waits for every job however long (cancelSettleMs Infinity)', async () => {
    const { port, worker, logger } = setup({ shutdownGraceMs: 0, cancelSettleMs: Infinity });
    port.add('a');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['a']));
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await sleep(0);
    expect(port.signals.get('a')?.aborted).toBe(true);
    await sleep(100);
    expect(stopped).toBe(false);
    expect(port.released).toEqual([]);
    port.finish('a');
    await stopping;
    expect(port.released).toEqual(['worker-1']);
    expect(logger.lines.some((l) => l.includes('cancelling'))).toBe(false);
  });

  it('a job that ignores the abort does not hold stop() beyond cancelSettleMs', async () => {
    const { port, worker } = setup({ shutdownGraceMs: 20, cancelSettleMs: 50 });
    port.add('wedged');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['wedged']));
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(port.released).toEqual(['worker-1']);
    port.finish('wedged');
  });

  it('stop() wakes an idle loop instead of waiting out the poll, and heartbeats end with it', async () => {
    const { port, worker } = setup({ pollMs: 60_000, heartbeatMs: 10 });
    worker.start();
    await eventually(() => expect(port.beats.length).toBeGreaterThan(0));
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    const beats = port.beats.length;
    await sleep(50);
    expect(port.beats.length).toBe(beats);
  });

  it('a failed release is logged and stop() still resolves', async () => {
    const { port, worker, logger } = setup();
    port.failRelease = true;
    worker.start();
    await worker.onModuleDestroy();
    expect(logger.lines).toContain('warn could not release jobs of worker-1: Error: release refused');
    await worker.stop(); // a second stop is a no-op
  });

  it('a worker started again after stop() hands its jobs a fresh, unaborted signal', async () => {
    const { port, worker } = setup({ shutdownGraceMs: 0 });
    worker.start();
    await worker.stop();
    port.add('again');
    worker.start();
    await eventually(() => expect(port.started).toEqual(['again']));
    expect(port.signals.get('again')?.aborted).toBe(false);
    port.finish('again');
  });
});
