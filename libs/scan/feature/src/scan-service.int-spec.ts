import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignPickle, maliciousPickle, sha256Of } from '../test/model-fixtures';
import {
  deliver,
  envelopeOf,
  publishPackageStored,
  published,
  type ScanTestApp,
  startScanTestApp,
  storePackage,
  testSettings,
} from '../test/scan-test-app';
import type { ScanReportView } from './persistence/scan-report.store';

const schema = createTestSchemaName('scan_svc');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-blobs-'));
let app: ScanTestApp;
let seq = 0;
const newId = () => `scan-it-${Date.now().toString(36)}-${(seq += 1)}`;

async function reportOf(artifactId: string, version?: string): Promise<{ status: number; body: unknown }> {
  const query = version ? `?version=${encodeURIComponent(version)}` : '';
  const res = await fetch(`${app.service.url}/internal/artifacts/${artifactId}/scan-report${query}`);
  return { status: res.status, body: await res.json() };
}

async function completedFor(artifactId: string) {
  return expectEventually(
    () => {
      const events = published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === artifactId);
      expect(events).toHaveLength(1);
      return events[0];
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

beforeAll(async () => {
  app = await startScanTestApp({ schema, blobRoot, settings: testSettings({ workerId: 'scan-it-main' }) });
});

afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('scan service (real Postgres, fs blobs, in-process broker)', () => {
  // The first scan also starts the scanner's worker threads (they compile the TypeScript sources in tests).
  it('reports a benign package clean and serves the report', { timeout: 90_000 }, async () => {
    const id = newId();
    const event = await publishPackageStored(
      app.broker,
      await storePackage(blobRoot, id, [
        { path: 'config.json', content: Buffer.from('{"architectures":["TinyNet"]}') },
        { path: 'weights.pkl', content: benignPickle() },
      ]),
    );
    const completed = await completedFor(id);
    expect(completed.payload).toMatchObject({ artifactId: id, version: '1.0.0', verdict: 'clean', findingCounts: { critical: 0, error: 0 } });
    expect(completed.causationId).toBe(event.eventId);
    expect(completed.correlationId).toBe(event.correlationId);

    const { status, body } = await reportOf(id);
    expect(status).toBe(200);
    const report = body as ScanReportView;
    expect(report).toMatchObject({ reportId: completed.payload.reportId, verdict: 'clean', fileCount: 2, workerId: 'scan-it-main' });
    expect(report.files.map((f) => [f.path, f.verdict])).toEqual([
      ['config.json', 'clean'],
      ['weights.pkl', 'clean'],
    ]);
  });

  it('blocks a package containing a pickle that calls os.system, with the finding on the file', async () => {
    const id = newId();
    await publishPackageStored(
      app.broker,
      await storePackage(blobRoot, id, [
        { path: 'README.md', content: Buffer.from('# tiny model\n') },
        { path: 'pytorch_model.bin', content: maliciousPickle() },
      ]),
    );
    const completed = await completedFor(id);
    expect(completed.payload.verdict).toBe('blocked');
    expect(completed.payload.findingCounts.critical).toBeGreaterThan(0);
    const report = (await reportOf(id)).body as ScanReportView;
    const evil = report.files.find((f) => f.path === 'pytorch_model.bin')!;
    expect(evil.verdict).toBe('malicious');
    expect(evil.findings.some((f) => f.severity === 'CRITICAL' && f.location.file.startsWith('pytorch_model.bin') && /system/.test(JSON.stringify(f)))).toBe(true);
    expect(report.scannerVerdict).toBe('malicious');
  });

  it('reuses the per-blob result when another package ships the same weights', async () => {
    const id = newId();
    await publishPackageStored(app.broker, await storePackage(blobRoot, id, [{ path: 'copy/of/model.pkl', content: maliciousPickle() }]));
    await completedFor(id);
    const report = (await reportOf(id)).body as ScanReportView;
    expect(report.files[0]).toMatchObject({ cached: true, verdict: 'malicious' });
    expect(report.files[0].findings[0].location.file.startsWith('copy/of/model.pkl')).toBe(true);
    expect(report.verdict).toBe('blocked');
  });

  it('blocks a package with a file the scanner cannot parse (unscannable), never reporting it clean', async () => {
    const id = newId();
    // A zip with a local header and no central directory: a truncated torch.save archive.
    const broken = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(`truncated ${id}`), Buffer.alloc(64, 0xff)]);
    await publishPackageStored(app.broker, await storePackage(blobRoot, id, [{ path: 'model.pt', content: broken }]));
    const completed = await completedFor(id);
    expect(completed.payload.verdict).toBe('blocked');
    const report = (await reportOf(id)).body as ScanReportView;
    expect(report.scannerVerdict).toBe('unscannable');
    expect(report.files[0]).toMatchObject({ path: 'model.pt', verdict: 'unscannable', format: 'zip' });
  });

  it('blocks a file whose stored bytes no longer match their hash (unscannable)', async () => {
    const id = newId();
    const content = Buffer.from(`unique weights ${id}`);
    const payload = await storePackage(blobRoot, id, [{ path: 'model.safetensors', content }]);
    const sha = sha256Of(content);
    writeFileSync(join(blobRoot, 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha), Buffer.from(`tampered  ${id}`.padEnd(content.length, '!')));
    await publishPackageStored(app.broker, payload);
    const completed = await completedFor(id);
    expect(completed.payload.verdict).toBe('blocked');
    const report = (await reportOf(id)).body as ScanReportView;
    expect(report.files[0]).toMatchObject({ verdict: 'unscannable', findings: [expect.objectContaining({ ruleId: 'blob-integrity' })] });
  });

  it('publishes ScanFailed when a blob is missing', async () => {
    const id = newId();
    const payload = await storePackage(blobRoot, id, []);
    payload.files = [{ path: 'ghost.bin', size: 10, sha256: 'e'.repeat(64) }];
    await publishPackageStored(app.broker, payload);
    const failed = await expectEventually(() => {
      const events = published(app.broker, Topic.ScanFailed).filter((e) => e.payload.artifactId === id);
      expect(events).toHaveLength(1);
      return events[0];
    }, { timeoutMs: 20_000 });
    expect(failed.payload.reason).toMatch(/ghost\.bin.*missing or unreadable/);
    const { status, body } = await reportOf(id);
    expect(status).toBe(404);
    expect(JSON.stringify(body)).toMatch(/failed/);
  });

  it('completes a metadata-only package as clean with zero files', async () => {
    const id = newId();
    const payload = { ...(await storePackage(blobRoot, id, [])), source: 'metadata-only' as const };
    await publishPackageStored(app.broker, payload);
    const completed = await completedFor(id);
    expect(completed.payload).toMatchObject({ verdict: 'clean', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } });
    expect(((await reportOf(id)).body as ScanReportView).files).toEqual([]);
  });

  it('produces one report for a redelivered event and for a second event about the same version', async () => {
    const id = newId();
    const payload = await storePackage(blobRoot, id, [{ path: 'w.pkl', content: benignPickle() }]);
    const first = envelopeOf(Topic.PackageStored, payload, id);
    await deliver(app.broker, first);
    await deliver(app.broker, first);
    await deliver(app.broker, envelopeOf(Topic.PackageStored, payload, id));
    await completedFor(id);
    await app.broker.whenIdle();
    await new Promise((r) => setTimeout(r, 500));
    expect(published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === id)).toHaveLength(1);
    const rows = await queryRows<{ n: string }>(testInfra.databaseUrl, `SELECT count(*) AS n FROM "${schema}".scan_report WHERE artifact_id = $1`, [id]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('answers 202 while a version is queued, 400 for a hostile id, 404 for an unknown one', async () => {
    expect((await reportOf('bad%20id')).status).toBe(400);
    expect((await reportOf('ok-id', '../../etc')).status).toBe(400);
    expect((await reportOf(newId())).status).toBe(404);
    // A job nobody will claim soon: owned by a worker that does not exist, lease far in the future.
    const id = newId();
    await queryRows(
      testInfra.databaseUrl,
      `INSERT INTO "${schema}".scan_job (artifact_id, artifact_type, name, version, files, causation_id, correlation_id, owner, lease_expires_at)
       VALUES ($1, 'model', 'm', '2.0.0', '[]', 'c', 'c', 'elsewhere', now() + interval '1 hour')`,
      [id],
    );
    const { status, body } = await reportOf(id);
    expect(status).toBe(202);
    expect(body).toEqual({ artifactId: id, version: '2.0.0', status: 'pending' });
  });

  it('drops reports on RegistryReset', async () => {
    const id = newId();
    await publishPackageStored(app.broker, await storePackage(blobRoot, id, [{ path: 'a.txt', content: Buffer.from('hello') }]));
    await completedFor(id);
    await deliver(app.broker, envelopeOf(Topic.RegistryReset, { actor: { name: 'admin', isAdmin: true }, resetAt: new Date().toISOString() }, 'registry'));
    await expectEventually(async () => expect((await reportOf(id)).status).toBe(404));
  });
});
