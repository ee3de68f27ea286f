import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real mains (dist/apps/<name>/src/main.js, i.e. runService) refuse a bad value in their own settings
 * section: exit 1 with one line naming the variable, no stack trace, before connecting to anything.
 */
const root = resolve(__dirname, '../..');
let dataDir: string;

beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  dataDir = mkdtempSync(join(tmpdir(), 'mg-bad-settings-'));
}, 600_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(app: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [join(root, 'dist/apps', app, 'src/main.js')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', DATA_DIR: join(dataDir, app), HTTP_PORT: '0', OTEL_SDK_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('a service started with bad settings', () => {
  it.each([
    ['scan', { SCAN_CONCURRENCY: '0' }, '- SCAN_CONCURRENCY: must be >= 1'],
    ['scan', { SCAN_WORKER_ID: 'a b;drop' }, '- SCAN_WORKER_ID: must be 1-100 of A-Z a-z 0-9 . _ : -'],
    ['ingest', { INGEST_LEASE_MS: '10' }, '- INGEST_LEASE_MS: must be >= 1000'],
    ['ingest', { INGEST_CONCURRENCY: 'many' }, '- INGEST_CONCURRENCY: must be an integer between 1 and 64'],
    ['scoring', { SCORING_EVIDENCE_TIMEOUT_MS: 'soon' }, '- SCORING_EVIDENCE_TIMEOUT_MS: must be an integer between 100 and 600000'],
    ['gateway', { GATEWAY_INGEST_WAIT_MS: '-5' }, '- GATEWAY_INGEST_WAIT_MS: must be an integer between 0 and 600000'],
    ['embedded', { SCAN_POLL_MS: '1' }, '- SCAN_POLL_MS: must be >= 50'],
  ])('%s with %o exits 1 naming the variable', (app, env, line) => {
    const result = start(app, env);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('Invalid configuration for');
    expect(result.stderr).toContain(line);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain('listening');
  });

  it("a section belongs to its service: the audit service ignores a bad SCAN_* value (and stops on its own)", () => {
    const result = start('audit', { SCAN_CONCURRENCY: '0', HTTP_PORT: 'none' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('- HTTP_PORT:');
    expect(result.stderr).not.toContain('SCAN_CONCURRENCY');
  });
});
