import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { RegistryClient } from './support/registry-client';
import { buildZip as zipOf } from '@modelguard/gateway-feature/testing';

/** pickle.dumps only (never loads): what `torch.save` of an object with a hostile __reduce__ produces. */
const maliciousPickle = () =>
  execFileSync('python3', ['-c', "import os,pickle,sys\nclass P:\n    def __reduce__(self): return (os.system, ('echo pwned',))\nsys.stdout.buffer.write(pickle.dumps(P(), protocol=2))"]);
const benignPickle = () =>
  execFileSync('python3', ['-c', "import pickle,sys\nsys.stdout.buffer.write(pickle.dumps({'w': [0.5, 0.25], 'b': [0.0]}, protocol=4))"]);

describe('a malicious model uploaded to the registry cannot be downloaded as if it were clean (embedded mode)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-scan-e2e-'));
  let app: EmbeddedApp;
  let token: string;

  const call = async (method: string, path: string, body?: { zip?: Buffer; json?: unknown }) => {
    const headers: Record<string, string> = { 'x-authorization': token };
    if (body?.zip) headers['content-type'] = 'application/zip';
    if (body?.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers,
      body: body?.zip ?? (body?.json !== undefined ? JSON.stringify(body.json) : undefined),
      signal: AbortSignal.timeout(30_000),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    const json = res.headers.get('content-type')?.includes('json') ? (JSON.parse(buf.toString('utf8')) as unknown) : undefined;
    return { status: res.status, headers: res.headers, json, buf };
  };
  const upload = async (name: string, files: Record<string, Buffer | string>) => {
    const res = await call('POST', `/artifact/model/package?name=${name}`, { zip: await zipOf(files) });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return (res.json as { metadata: { id: string } }).metadata.id;
  };

  beforeAll(async () => {
    app = await startEmbedded({ env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, httpPort: 0 });
    token = await new RegistryClient(app.url).login();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the download while pending and after the scan blocked it, serves the report, and honours an audited admin override', async () => {
    const id = await upload('evil-model', { 'README.md': '# evil model\n', 'pytorch_model.bin': maliciousPickle(), 'config.json': '{}' });
    const download = `/artifacts/model/${id}/download`;

    const pending = await call('GET', download);
    expect(pending.status).toBe(409);
    expect(Number(pending.headers.get('retry-after'))).toBeGreaterThan(0);

    const blocked = await expectEventually(
      async () => {
        const res = await call('GET', download);
        expect(res.status).toBe(403);
        return res;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(JSON.stringify(blocked.json)).toMatch(/blocked/i);

    const report = await call('GET', `/artifacts/model/${id}/scan-report`);
    expect(report.status).toBe(200);
    const body = report.json as { verdict: string; files: Array<{ path: string; verdict: string; findings: Array<{ severity: string; message: string }> }> };
    expect(body.verdict).toBe('blocked');
    const evil = body.files.find((f) => f.path === 'pytorch_model.bin');
    expect(evil?.verdict).toBe('malicious');
    expect(evil?.findings.some((f) => f.severity === 'CRITICAL' && /system/.test(f.message))).toBe(true);
    expect(body.files.find((f) => f.path === 'config.json')?.verdict).toBe('clean');

    const versions = await call('GET', `/artifacts/model/${id}/versions`);
    const [{ version }] = versions.json as Array<{ version: string }>;
    const override = await call('POST', `/artifacts/model/${id}/versions/${version}/override`, { json: { reason: 'reviewed: research sample, isolated use' } });
    expect(override.status).toBe(200);

    const released = await call('GET', download);
    expect(released.status).toBe(200);
    expect(released.headers.get('x-modelguard-scan-warning')).toMatch(/released by admin/);
    expect(released.buf.subarray(0, 2).toString('latin1')).toBe('PK');

    await expectEventually(
      async () => {
        const audit = await call('GET', `/artifact/model/${id}/audit`);
        expect(audit.status).toBe(200);
        expect(JSON.stringify(audit.json)).toMatch(/UPDATE/);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
  });

  it('lets a benign upload become downloadable once scanned clean', async () => {
    const id = await upload('tidy-model', { 'README.md': '# tidy model\n', 'weights.pkl': benignPickle(), 'config.json': '{"hidden": 4}' });
    const ok = await expectEventually(
      async () => {
        const res = await call('GET', `/artifacts/model/${id}/download`);
        expect(res.status).toBe(200);
        return res;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(ok.headers.get('x-modelguard-scan-warning')).toBeNull();
    const report = await call('GET', `/artifacts/model/${id}/scan-report`);
    expect((report.json as { verdict: string }).verdict).toBe('clean');
  });
});
