import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { ScanPool } from './scan-pool';
import { scanPaths } from './scan-api';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mg-pool-'));
  // Plugins stand in for a parser bug that spins or leaks: the budget must be enforced from outside.
  writeFileSync(join(dir, 'hang.js'), `module.exports = { name: 'hang', canHandle: (h) => h.toString('latin1').startsWith('HANG'), scan: () => { for (;;) {} } };`);
  writeFileSync(join(dir, 'leak.js'), `module.exports = { name: 'leak', canHandle: (h) => h.toString('latin1').startsWith('LEAK'), scan: async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); } };`);
  writeFileSync(join(dir, 'slow.js'), `module.exports = { name: 'slow', canHandle: (h) => h.toString('latin1').startsWith('SLOW'), scan: () => new Promise((r) => setTimeout(() => r([]), 800)) };`);
  writeFileSync(join(dir, 'a.hang'), 'HANG forever');
  writeFileSync(join(dir, 'e.slow'), 'SLOW but fine');
  writeFileSync(join(dir, 'b.leak'), 'LEAK memory');
  writeFileSync(join(dir, 'c.pkl'), Buffer.from('80024e2e', 'hex'));
  writeFileSync(join(dir, 'd.pkl'), Buffer.from('8002636f730a73797374656d0a8c0269648552942e', 'hex'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ScanPool isolation', () => {
  it('terminates a worker that never returns and reports budget.timeout, while other files still scan', async () => {
    const options = defaultScanOptions({ timeoutMs: 500, plugins: [join(dir, 'hang.js')], concurrency: 2 });
    const started = Date.now();
    const report = await scanPaths([join(dir, 'a.hang'), join(dir, 'd.pkl')], options);
    const elapsed = Date.now() - started;
    const hang = report.files.find((f) => f.path.endsWith('a.hang'))!;
    expect(hang.verdict).toBe('unscannable');
    expect(hang.findings.map((f) => f.ruleId)).toEqual(['budget.timeout']);
    expect(report.files.find((f) => f.path.endsWith('d.pkl'))!.verdict).toBe('malicious');
    // Without the budget the spinning worker would hold scanPaths until the test's own timeout; with it the run ends
    // about 500 ms after the worker started. No tighter wall-clock bound: at load 24 worker start-up alone took 58 s.
    expect(elapsed).toBeLessThan(110_000);
  }, 120_000);

  it('kills a worker that exceeds its heap cap without taking the caller down', async () => {
    const options = defaultScanOptions({ timeoutMs: 20_000, plugins: [join(dir, 'leak.js')], concurrency: 1, workerMemoryMb: 64 });
    const report = await scanPaths([join(dir, 'b.leak')], options);
    expect(report.files[0].verdict).toBe('unscannable');
    expect(['budget.memory', 'scan.crashed']).toContain(report.files[0].findings[0].ruleId);
  }, 60_000);

  it('scans a random-access input through the worker (reads proxied to the caller)', async () => {
    const pool = new ScanPool(1);
    try {
      const input = bufferInput(Buffer.from('8002636f730a73797374656d0a8c0269648552942e', 'hex'), 'blob://bucket/key');
      const r = await pool.scanInput(input, defaultScanOptions());
      expect(r.verdict).toBe('malicious');
      expect(r.findings[0]).toMatchObject({ ruleId: 'pickle.dangerous-global', location: { file: 'blob://bucket/key' } });
      const ok = await pool.scanFile(join(dir, 'c.pkl'), defaultScanOptions());
      expect(ok.verdict).toBe('clean');
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('ScanPool idle workers', () => {
  const waitFor = async (done: () => boolean, ms = 10_000): Promise<void> => {
    for (const until = Date.now() + ms; !done() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 25));
  };

  it('terminates a worker left without work for its idle time, and starts a new one for the next file', async () => {
    const pool = new ScanPool(1, undefined, 300);
    try {
      expect((await pool.scanFile(join(dir, 'c.pkl'), defaultScanOptions())).verdict).toBe('clean');
      expect(pool.workerCount).toBe(1);
      await waitFor(() => pool.workerCount === 0);
      expect(pool.workerCount).toBe(0);
      expect((await pool.scanFile(join(dir, 'd.pkl'), defaultScanOptions())).verdict).toBe('malicious');
      expect(pool.workerCount).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('never takes a worker away while it scans, however short the idle time', async () => {
    const pool = new ScanPool(1, undefined, 50);
    try {
      const options = defaultScanOptions({ plugins: [join(dir, 'slow.js')] });
      // Each file outlasts the idle time. The second arrives just after the first finished, when the idle timer
      // has started: if that timer terminated the busy worker, the second scan would never answer (a hang here).
      const first = await pool.scanFile(join(dir, 'e.slow'), options);
      const second = await pool.scanFile(join(dir, 'e.slow'), options);
      expect([first.verdict, second.verdict]).toEqual(['clean', 'clean']);
      expect(pool.workerCount).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('ignores a worker that reports ready after close(), and keeps waiting for its exit', async () => {
    const pool = new ScanPool(2);
    void pool.scanFile(join(dir, 'c.pkl'), defaultScanOptions());
    const [starting] = (pool as unknown as { slots: Array<{ worker: Worker }> }).slots;
    const closing = pool.close();
    let unrefAfterClose = false;
    starting.worker.unref = () => {
      unrefAfterClose = true;
      return starting.worker;
    };
    // What a fresh-clone CI run saw: the 'ready' of a worker started for a second file arrived after scanPaths
    // closed its pool. Handled, it unref'd the worker (its exit then no longer held the event loop, and the CLI
    // ended without a result) and, with the file still queued, started another worker for a closed pool.
    starting.worker.emit('message', { type: 'ready' });
    expect(unrefAfterClose).toBe(false);
    expect(pool.workerCount).toBe(0);
    await closing;
  }, 60_000);
});
