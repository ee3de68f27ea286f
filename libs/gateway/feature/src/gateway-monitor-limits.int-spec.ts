import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';
import { attachProgram, downloadableModel, historyOf, type MonitorRefusal } from '../test/sensitive-fixtures';

const TIMEOUT_MS = 1_500;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Issue 10.7: hostile monitor programs (loop forever, allocate 10 GB, start processes, write outside their
 * directory, print 1 GB) each end in a clear refusal through the real download path, and the registry stays healthy.
 */
describe('monitor program limits', () => {
  let app: GatewayTestApp;
  let admin: string;
  let tmpDir: string;
  let models = 0;

  /** A fresh downloadable model guarded by `source`; returns its refused download and history entry. */
  async function downloadGuardedBy(source: string): Promise<{ status: number; body: MonitorRefusal; ms: number; stdout: string }> {
    const id = (await downloadableModel(app, admin, `hostile-${++models}`, { 'README.md': '# hostile', 'model.safetensors': 'w'.repeat(1000) })).metadata.id;
    await attachProgram(app, admin, id, source);
    const started = Date.now();
    const res = await app.client.call<MonitorRefusal>('GET', `/artifacts/model/${id}/download`, { token: admin });
    const ms = Date.now() - started;
    const [entry] = await historyOf(app, admin, id);
    expect(entry).toMatchObject({ allowed: res.status === 200, verdict: res.status === 200 ? 'passed' : res.body.monitor.verdict });
    return { status: res.status, body: res.body, ms, stdout: entry!.stdout ?? '' };
  }

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'monitor-limits-'));
    app = await startGatewayTestApp({ gateway: { tmpDir, monitor: { timeoutMs: TIMEOUT_MS, memoryMb: 512, concurrency: 4 } } });
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('kills a program that loops forever at the timeout and refuses, while /health stays fast', async () => {
    const run = downloadGuardedBy('console.log(`pid ${process.pid}`); for (;;) {}');
    const healthMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      expect((await app.client.call('GET', '/health')).status).toBe(200);
      healthMs.push(Date.now() - started);
    }
    const { status, body, ms, stdout } = await run;
    expect(status).toBe(403);
    expect(body.monitor.verdict).toBe('timeout');
    expect(body.error).toMatch(/did not finish within its time limit[\s\S]*pid \d+/);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(ms).toBeLessThan(TIMEOUT_MS + 5_000);
    expect(Math.max(...healthMs)).toBeLessThan(500);
    expect(isAlive(Number(/pid (\d+)/.exec(stdout)![1]))).toBe(false);
  });

  // Heap exhaustion is covered by sensitive/monitor-runner.spec.ts (V8 takes seconds to give up near its limit).
  it('stops a program that allocates 10 GB of Buffers (memory cap)', async () => {
    const buffers = await downloadGuardedBy("const held = []; for (let i = 0; i < 10; i++) held.push(Buffer.alloc(2 ** 30, 1)); console.log('allocated 10 GB');");
    expect(buffers.status).toBe(403);
    expect(['failed', 'crashed']).toContain(buffers.body.monitor.verdict);
    expect(buffers.body.error).not.toContain('allocated 10 GB');
  });

  it('refuses child processes and writes outside its directory, and kills the whole group of a looping program', async () => {
    const outside = join(tmpDir, 'escaped.txt');
    const program = `
      const { spawn, fork } = require('node:child_process');
      const { writeFileSync } = require('node:fs');
      console.log('pid ' + process.pid);
      for (const [what, attempt] of [['spawn', () => spawn('sleep', ['30'])], ['fork', () => fork(__filename)], ['write', () => writeFileSync(${JSON.stringify(outside)}, 'x')]]) {
        try { attempt(); console.log(what + ' allowed'); } catch (e) { console.log(what + ' refused ' + e.code); }
      }
      for (;;) {}`;
    const { status, body, stdout } = await downloadGuardedBy(program);
    expect(status).toBe(403);
    expect(body.monitor.verdict).toBe('timeout');
    expect(stdout).toContain('spawn refused ERR_ACCESS_DENIED');
    expect(stdout).toContain('fork refused ERR_ACCESS_DENIED');
    expect(stdout).toContain('write refused ERR_ACCESS_DENIED');
    expect(existsSync(outside)).toBe(false);
    expect(isAlive(Number(/pid (\d+)/.exec(stdout)![1]))).toBe(false);
  });

  it('refuses a program that writes outside its directory without catching the error', async () => {
    const outside = join(tmpDir, 'escaped-uncaught.txt');
    const { status, body } = await downloadGuardedBy(`require('node:fs').writeFileSync(${JSON.stringify(outside)}, 'x');`);
    expect(status).toBe(403);
    expect(body.monitor).toMatchObject({ verdict: 'failed', exit_code: 1 });
    expect(existsSync(outside)).toBe(false);
  });

  it('bounds a program that prints 1 GB: killed at the output limit, a bounded error, memory flat', async () => {
    const rssBefore = process.memoryUsage().rss;
    const program = `
      const mb = 'x'.repeat(1 << 20); let i = 0;
      (function write() { while (i < 1024) { i += 1; if (!process.stdout.write(mb)) { process.stdout.once('drain', write); return; } } })();`;
    const { status, body, raw, ms } = await (async () => {
      const r = await downloadGuardedBy(program);
      return { ...r, raw: JSON.stringify(r.body) };
    })();
    expect(status).toBe(403);
    expect(body.monitor.verdict).toBe('over-limit');
    expect(body.error).toMatch(/^download of sensitive model hostile-\d+ refused: its monitor program exceeded its output limit[\s\S]*x{4096}\n\[… cut here/);
    expect(body.monitor.stdout).toMatch(/^x{65536}\n\[… \d+ more bytes not shown\]$/);
    expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(raw.length).toBeLessThan(200 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
  });

  it('removes every run directory', async () => {
    expect(await readdir(join(tmpDir, 'monitor'))).toEqual([]);
  });
});
