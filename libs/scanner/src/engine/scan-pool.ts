import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileReport, Finding, ScanInput, ScanOptions } from '../core/types';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

interface Task {
  msg: WorkerRequest & { type: 'scan-file' | 'scan-remote' };
  input?: ScanInput;
  resolve: (r: FileReport) => void;
  started?: number;
}

interface Slot {
  worker: Worker;
  /** Set when the worker has loaded its code: start-up time must not count against a file's budget. */
  ready: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
  /** Set while the worker waits for work: it is terminated when this fires (see releaseWhenIdle). */
  idleTimer?: NodeJS.Timeout;
}

/** Grace period after the cooperative deadline before the worker is killed. */
const KILL_GRACE_MS = 1_000;

/**
 * A worker that has had no file for this long is terminated; the next scan starts a new one (about 0.1-0.2 s). A
 * worker's isolate holds 10-15 MiB once it has scanned (issue 13: the embedded process's memory under load), which a
 * registry that scans in bursts, minutes apart, would otherwise keep for good.
 */
export const DEFAULT_IDLE_WORKER_MS = 15_000;

/** How many workers a pool runs and how much heap each may use. */
export interface ScanPoolLimits {
  /** Files scanned in parallel (worker threads). */
  concurrency: number;
  /** Heap cap of each worker in MiB; a worker that exceeds it is killed and its file is unscannable. */
  workerMemoryMb: number;
}

export const DEFAULT_POOL_LIMITS: Readonly<ScanPoolLimits> = Object.freeze({ concurrency: 2, workerMemoryMb: 512 });

/**
 * Runs scans in worker threads so a hostile file can never hang or crash the caller: each task has a
 * wall-clock budget after which its worker is terminated (→ unscannable `budget.timeout`), and each worker a
 * heap cap (→ unscannable `budget.memory`). Idle workers are unref'd so they never keep a process alive, and
 * terminated after `idleWorkerMs` without work (DEFAULT_IDLE_WORKER_MS).
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly memoryMb = DEFAULT_POOL_LIMITS.workerMemoryMb,
    private readonly idleWorkerMs = DEFAULT_IDLE_WORKER_MS,
  ) {}

  /** Worker threads alive now (started, busy or idle). */
  get workerCount(): number {
    return this.slots.length;
  }

  get limits(): ScanPoolLimits {
    return { concurrency: this.size, workerMemoryMb: this.memoryMb };
  }

  scanFile(path: string, options: ScanOptions, displayPath = path): Promise<FileReport> {
    return this.submit({ type: 'scan-file', taskId: this.nextId++, path, displayPath, options });
  }

  /** Scans a random-access input (e.g. an object-storage blob); the worker reads it through this thread. */
  scanInput(input: ScanInput, options: ScanOptions): Promise<FileReport> {
    return this.submit({ type: 'scan-remote', taskId: this.nextId++, path: input.path, size: input.size, options }, input);
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      clearTimeout(slot.idleTimer);
      clearTimeout(slot.timer);
      // A worker still starting may post 'ready' after this point; handled, it would be unref'd as idle, and an
      // unref'd worker's exit no longer holds the event loop: a CLI awaiting close() then ended with no result.
      slot.worker.removeAllListeners();
      slot.worker.on('error', () => undefined);
      slot.worker.ref();
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private submit(msg: Task['msg'], input?: ScanInput): Promise<FileReport> {
    if (this.closed) return Promise.reject(new Error('scan pool is closed'));
    return new Promise((resolve) => {
      this.queue.push({ msg, input, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.task);
      if (!slot) {
        if (this.slots.length < Math.max(1, this.size)) this.spawn();
        return;
      }
      const task = this.queue.shift();
      if (!task) return;
      clearTimeout(slot.idleTimer);
      slot.task = task;
      task.started = Date.now();
      slot.worker.ref();
      slot.timer = setTimeout(() => this.kill(slot, 'budget.timeout', `scan exceeded its ${task.msg.options.timeoutMs} ms budget; worker terminated`), task.msg.options.timeoutMs + KILL_GRACE_MS);
      slot.worker.postMessage(task.msg);
    }
  }

  private spawn(): Slot {
    const worker = createWorker(this.memoryMb);
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: WorkerReply) => void this.onMessage(slot, m));
    worker.on('error', (err) => this.kill(slot, /memory/i.test(err.message) ? 'budget.memory' : 'scan.crashed', `scan worker failed: ${err.message}`));
    worker.on('exit', () => this.kill(slot, 'scan.crashed', 'scan worker exited unexpectedly'));
    // Spawned because work is queued: stay referenced until it is idle (see finish).
    this.slots.push(slot);
    return slot;
  }

  private async onMessage(slot: Slot, m: WorkerReply): Promise<void> {
    if (m.type === 'ready') {
      slot.ready = true;
      this.pump();
      if (!slot.task) this.releaseWhenIdle(slot);
      return;
    }
    const task = slot.task;
    if (!task || m.taskId !== task.msg.taskId) return;
    if (m.type === 'read') {
      let reply: WorkerRequest;
      try {
        if (!task.input) throw new Error('task has no input');
        const data = await task.input.read(m.offset, m.length);
        reply = { type: 'read-result', reqId: m.reqId, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
      } catch (err) {
        reply = { type: 'read-result', reqId: m.reqId, error: err instanceof Error ? err.message : String(err) };
      }
      if (slot.task === task) slot.worker.postMessage(reply);
      return;
    }
    this.finish(slot, m.report);
  }

  private finish(slot: Slot, report: FileReport): void {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = undefined;
    task?.resolve(report);
    this.pump();
    if (!slot.task) this.releaseWhenIdle(slot);
  }

  /** An idle worker never keeps the process alive, and is terminated if it is still idle after `idleWorkerMs`. */
  private releaseWhenIdle(slot: Slot): void {
    slot.worker.unref();
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      const idx = this.slots.indexOf(slot);
      if (idx === -1 || slot.task) return;
      this.slots.splice(idx, 1);
      slot.worker.removeAllListeners();
      slot.worker.on('error', () => undefined);
      void slot.worker.terminate();
    }, this.idleWorkerMs);
    slot.idleTimer.unref();
  }

  private kill(slot: Slot, ruleId: string, message: string): void {
    const idx = this.slots.indexOf(slot);
    if (idx === -1) return;
    this.slots.splice(idx, 1);
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    const task = slot.task;
    if (task) {
      const finding: Finding = { ruleId, severity: 'ERROR', message, location: { file: task.msg.path }, unscannable: true };
      task.resolve({ path: task.msg.type === 'scan-file' ? task.msg.displayPath : task.msg.path, size: task.input?.size ?? 0, format: 'unknown', verdict: 'unscannable', findings: [finding], durationMs: Date.now() - (task.started ?? Date.now()) });
    }
    if (!this.closed) {
      // A worker that cannot even start would be respawned forever: fail the queue instead.
      if (!slot.ready && !task) this.failQueue(message);
      this.pump();
    }
  }

  private failQueue(message: string): void {
    for (const t of this.queue.splice(0)) {
      t.resolve({ path: t.msg.path, size: 0, format: 'unknown', verdict: 'unscannable', durationMs: 0, findings: [{ ruleId: 'scan.crashed', severity: 'ERROR', message, location: { file: t.msg.path }, unscannable: true }] });
    }
  }
}

/**
 * The worker runs the compiled scan-worker.js. When the library itself runs from TypeScript sources (tests,
 * ts tooling) there is no .js next to us: the worker then compiles each module on load with the TypeScript
 * compiler's transpileModule (the scanner only uses relative imports, so no path mapping is needed).
 */
function createWorker(memoryMb: number): Worker {
  // A scan's garbage is short-lived (one Value per opcode): a 16–24 MiB young generation scavenges it as fast
  // as 64 MiB did, and 64 MiB of semi-spaces was ~45 MiB of the CLI's peak RSS on a 64 MiB pickle (issue 13).
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(24, Math.max(16, memoryMb / 16)) };
  const js = join(__dirname, 'scan-worker.js');
  if (existsSync(js)) return new Worker(js, { resourceLimits });
  const bootstrap = `
    const { workerData } = require('worker_threads');
    const ts = require(require.resolve('typescript', { paths: [workerData.entry] }));
    const fs = require('fs');
    require.extensions['.ts'] = (m, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      m._compile(out.outputText, filename);
    };
    require(workerData.entry);
  `;
  return new Worker(bootstrap, { eval: true, workerData: { entry: join(__dirname, 'scan-worker.ts') }, resourceLimits });
}
