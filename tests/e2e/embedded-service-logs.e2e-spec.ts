import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` runs every service in one process. Nest's static Logger is process-wide and names whichever service
 * booted last (the gateway); feature code logs through each application's injected SERVICE_LOGGER instead, so the
 * scan and ingest workers' lines carry their own service names. The start-up output is also checked to be short:
 * Nest's module and route lines are at debug level, and it ends with the ready block.
 */
const root = resolve(__dirname, '../..');
let dataDir: string;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  dataDir = mkdtempSync(join(tmpdir(), 'mg-embedded-logs-'));
}, 600_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Runs the embedded main until its ready block appears, lets `whileUp` act on it (the gateway URL), then stops it
 * with SIGTERM; returns stdout.
 */
async function runEmbedded(whileUp: (url: string, output: () => string) => Promise<void>): Promise<{ stdout: string; code: number | null }> {
  const child = spawn(process.execPath, [join(root, 'dist/apps/embedded/src/main.js')], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      DATA_DIR: dataDir,
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      OTEL_SDK_DISABLED: 'true',
      // A Hugging Face that refuses connections: an ingest fails at once and its worker logs a warning.
      HF_ENDPOINT: 'http://127.0.0.1:9',
      UPSTREAM_ALLOW_PRIVATE: 'true',
      INGEST_MAX_ATTEMPTS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`not ready in 90 s:\n${stdout}\n${stderr}`)), 90_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('The answer is a token')) {
        clearTimeout(timer);
        ready();
      }
    });
    void exited.then((code) => fail(new Error(`exited ${code} before ready:\n${stdout}\n${stderr}`)));
  });
  await whileUp(/is ready at (\S+)/.exec(stdout)?.[1] ?? '', () => stdout);
  child.kill('SIGTERM');
  return { stdout, code: await exited };
}

async function call(url: string, method: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}

describe('embedded mode logging', () => {
  it('each service logs under its own name, and start-up ends with one short block', async () => {
    let startup = '';
    const { stdout, code } = await runEmbedded(async (url, output) => {
      startup = output();
      // After every service has booted, the static Logger would name the gateway: make the ingest worker log.
      const token = (await call(`${url}/authenticate`, 'PUT', {
        user: { name: 'ece30861defaultadminuser', is_admin: true },
        secret: { password: 'correcthorsebatterystaple123(!__+@**(A\'"`;DROP TABLE packages;' },
      })) as string;
      // The gateway answers 424 (the upstream is down); what matters is what the ingest worker logged meanwhile.
      await fetch(`${url}/artifact/model`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authorization': token },
        body: JSON.stringify({ url: 'https://huggingface.co/acme/unreachable-model' }),
      });
      const deadline = Date.now() + 30_000;
      while (!output().includes('"context":"IngestJobProcessor"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    });
    expect(code).toBe(0);
    const records = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { service: string; context?: string; msg: string });
    expect(records.find((r) => r.context === 'ScanWorker')?.service, stdout).toBe('scan');
    expect(records.find((r) => r.context === 'IngestWorker')?.service, stdout).toBe('ingest');
    expect(records.find((r) => r.context === 'IngestJobProcessor')?.service, stdout).toBe('ingest');
    expect(records.filter((r) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader'].includes(r.context ?? ''))).toEqual([]);
    expect(startup.split('\n').length, startup).toBeLessThan(20);
    expect(startup).toMatch(/ModelGuard \(embedded\) is ready at http:\/\/127\.0\.0\.1:\d+\n {2}API docs {2}http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(startup).toContain('ece30861defaultadminuser');
  }, 180_000);
});
