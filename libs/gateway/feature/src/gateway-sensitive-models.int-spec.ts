import { Topic } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type Session } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';
import { attachProgram, downloadableModel, historyOf, type MonitorRefusal, type SensitivityState } from '../test/sensitive-fixtures';
import { sha256 } from '../test/zip-test-utils';
import { DEFAULT_ADMIN_NAME } from './auth/actor';
import { DownloadEntity } from './persistence/download.entity';

const FILES = { 'README.md': '# guarded', 'config.json': '{"model_type":"bert"}', 'model.safetensors': 'weights'.repeat(100) };

/** Reports what it was given to the "ACME audit server" (network stays open) and on stdout, then allows. */
const REPORTING_PROGRAM = `
const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { dirname } = require('node:path');
const args = process.argv.slice(2);
const zip = readFileSync(args[3]);
const report = { args, zipSha256: createHash('sha256').update(zip).digest('hex'), inOwnDir: dirname(args[3]) === process.cwd(), env: Object.keys(process.env).sort() };
fetch(process.env.AUDIT_URL ?? 'AUDIT_URL_PLACEHOLDER', { method: 'POST', body: JSON.stringify(report) })
  .then((res) => { console.log(JSON.stringify({ ...report, audit: res.status })); });
`;
const REFUSING_PROGRAM = "console.log(`policy: ${process.argv[4]} may not download ${process.argv[2]}`); process.exit(3);";

/** Issue 10.2 through the real download path: sensitive models, their monitor programs and the download history. */
describe('sensitive models', () => {
  let app: GatewayTestApp;
  let admin: string;
  let downloader: Session;
  let tmpDir: string;
  let audit: Server;
  let auditUrl: string;
  const reports: unknown[] = [];
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);

  beforeAll(async () => {
    audit = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        reports.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => audit.listen(0, '127.0.0.1', r));
    auditUrl = `http://127.0.0.1:${(audit.address() as AddressInfo).port}/audit`;
    tmpDir = await mkdtemp(join(tmpdir(), 'sensitive-'));
    app = await startGatewayTestApp({ gateway: { tmpDir, monitor: { timeoutMs: 5_000, memoryMb: 512, concurrency: 2 } } });
    admin = await loginAsAdmin(app.client);
    downloader = await registerUser(app.client, admin, 'dora', ['download']);
  });
  afterAll(async () => {
    await app?.close();
    audit?.close();
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('runs the program with the four arguments and the real zip in its own directory, scrubbed env, network open', async () => {
    const model = await downloadableModel(app, admin, 'guarded-bert', FILES);
    const id = model.metadata.id;
    await attachProgram(app, admin, id, REPORTING_PROGRAM.replace('AUDIT_URL_PLACEHOLDER', auditUrl));

    const res = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token: downloader.token });
    expect(res.status, res.raw.toString()).toBe(200);
    const [entry] = await historyOf(app, admin, id);
    const report = JSON.parse(entry!.stdout!) as { args: string[]; zipSha256: string; inOwnDir: boolean; env: string[]; audit: number };
    expect(report.args.slice(0, 3)).toEqual(['guarded-bert', DEFAULT_ADMIN_NAME, 'dora']);
    expect(report.args[3]).toMatch(/package\.zip$/);
    // The program saw exactly the bytes the downloader received.
    expect(report.zipSha256).toBe(sha256(res.raw));
    expect(report.inOwnDir).toBe(true);
    expect(report.env).toEqual(['HOME', 'LANG', 'PATH', 'TMPDIR']);
    expect(report.audit).toBe(204);
    expect(reports).toContainEqual(expect.objectContaining({ zipSha256: sha256(res.raw) }));
    expect(entry).toMatchObject({ user: 'dora', allowed: true, verdict: 'passed', exit_code: 0, part: 'full', version: '1.0.0' });
    // Every run's private directory is gone afterwards.
    expect(await readdir(join(tmpDir, 'monitor'))).toEqual([]);
  });

  it('refuses full, part and single-file downloads with the program stdout when it exits non-zero, and records them', async () => {
    const model = await downloadableModel(app, admin, 'refused-bert', FILES);
    const id = model.metadata.id;
    const state = await attachProgram(app, admin, id, REFUSING_PROGRAM);

    for (const path of [`/artifacts/model/${id}/download`, `/artifacts/model/${id}/download?part=weights`, `/artifacts/model/${id}/files/README.md`]) {
      const res = await call<MonitorRefusal>('GET', path, { token: downloader.token });
      expect(res.status, path).toBe(403);
      expect(res.body.error).toContain('policy: dora may not download refused-bert');
      expect(res.body.monitor).toMatchObject({ verdict: 'failed', exit_code: 3, program_sha256: state.program!.sha256 });
    }
    const history = await historyOf(app, admin, id);
    expect(history.map((h) => h.part)).toEqual(['file:README.md', 'weights', 'full']);
    for (const h of history) expect(h).toMatchObject({ user: 'dora', allowed: false, verdict: 'failed', exit_code: 3, stdout: expect.stringContaining('policy:') });
    // Refused downloads are not served downloads.
    expect(await app.dataSource.getRepository(DownloadEntity).countBy({ artifactId: id })).toBe(0);
  });

  it('leaves ordinary models alone, lets a sensitive model without a program through (recorded), and unmarks', async () => {
    const plain = await downloadableModel(app, admin, 'plain-bert', FILES);
    expect((await call('GET', `/artifacts/model/${plain.metadata.id}/download`, { token: downloader.token })).status).toBe(200);
    expect(await historyOf(app, admin, plain.metadata.id)).toEqual([]);

    const id = (await downloadableModel(app, admin, 'marked-bert', FILES)).metadata.id;
    const marked = await call<SensitivityState>('PUT', `/artifacts/model/${id}/sensitive`, { token: admin });
    expect(marked.body).toMatchObject({ sensitive: true, marked_by: DEFAULT_ADMIN_NAME, program: null });
    expect((await call('GET', `/artifacts/model/${id}/download`, { token: downloader.token })).status).toBe(200);
    expect(await historyOf(app, admin, id)).toMatchObject([{ user: 'dora', allowed: true, verdict: 'no-program', program_sha256: null }]);

    await attachProgram(app, admin, id, REFUSING_PROGRAM);
    expect((await call('GET', `/artifacts/model/${id}/download`, { token: downloader.token })).status).toBe(403);
    const unmarked = await call<SensitivityState>('DELETE', `/artifacts/model/${id}/sensitive`, { token: admin });
    expect(unmarked.body).toEqual({ artifact_id: id, sensitive: false, marked_by: null, program: null });
    expect((await call('GET', `/artifacts/model/${id}/download`, { token: downloader.token })).status).toBe(200);
    expect((await historyOf(app, admin, id)).length).toBe(2);
  });

  it('stores programs content-addressed, serves, replaces and removes them, bounds their size and audits each change', async () => {
    const a = (await downloadableModel(app, admin, 'addressed-a', FILES)).metadata.id;
    const b = (await downloadableModel(app, admin, 'addressed-b', FILES)).metadata.id;
    const first = await attachProgram(app, admin, a, REFUSING_PROGRAM);
    const second = await attachProgram(app, admin, b, REFUSING_PROGRAM);
    expect(first.program!.sha256).toBe(createHash('sha256').update(REFUSING_PROGRAM).digest('hex'));
    expect(second.program!.sha256).toBe(first.program!.sha256);

    const searcher = await registerUser(app.client, admin, 'sam', ['search', 'upload']);
    const got = await call<string>('GET', `/artifacts/model/${a}/monitor`, { token: searcher.token });
    expect(got.status).toBe(200);
    expect(got.raw.toString()).toBe(REFUSING_PROGRAM);
    expect(got.headers.get('x-checksum-sha256')).toBe(first.program!.sha256);
    // Someone else's model: reading is fine, changing is not.
    expect((await call('PUT', `/artifacts/model/${a}/monitor`, { token: searcher.token, json: { source: 'process.exit(0)' } })).status).toBe(403);
    expect((await call('GET', `/artifacts/model/${a}/download-history`, { token: searcher.token })).status).toBe(403);

    const replaced = await attachProgram(app, admin, a, 'process.exit(0);');
    expect(replaced.program!.sha256).not.toBe(first.program!.sha256);
    const tooBig = await call<{ error: string }>('PUT', `/artifacts/model/${a}/monitor`, { token: admin, json: { source: `//${'x'.repeat(300 * 1024)}` } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatch(/at most 262144/);
    expect((await call('PUT', `/artifacts/model/${a}/monitor`, { token: admin, json: { source: 42 } })).status).toBe(400);

    const removed = await call<SensitivityState>('DELETE', `/artifacts/model/${a}/monitor`, { token: admin });
    expect(removed.body).toMatchObject({ sensitive: true, program: null });
    expect((await call('GET', `/artifacts/model/${a}/monitor`, { token: admin })).status).toBe(404);
    expect((await call('DELETE', `/artifacts/model/${a}/monitor`, { token: admin })).status).toBe(404);

    // Published through the outbox (same transaction as the change); the relay sends after commit.
    await expectEventually(() => {
      const changes = app.broker.messages(Topic.SensitivityChanged).filter((m) => m.key === a).map((m) => (JSON.parse(m.value) as { payload: { change: string } }).payload.change);
      expect(changes).toEqual(['program-attached', 'program-attached', 'program-removed']);
    });
  });
});
