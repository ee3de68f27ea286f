import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { benignPickle } from '../test/model-fixtures';
import { ScanJobStore } from './persistence/scan-job.store';
import { publishPackageStored, published, type ScanTestApp, startScanTestApp, storePackage, testSettings } from '../test/scan-test-app';

const schema = createTestSchemaName('scan_lease');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-blobs-'));
const apps: ScanTestApp[] = [];

afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

interface JobRow {
  owner: string;
  status: string;
  attempts: number;
}

describe('scan job leases (two workers, one schema)', () => {
  it('lets another worker take over the jobs of a worker that died, once their lease expired', { timeout: 90_000 }, async () => {
    const leaseMs = 2_000;
    // Worker A consumes the event and records the job, but never scans (its loop is not started): a
    // process that crashed right after committing the inbox transaction.
    const a = await startScanTestApp({ schema, blobRoot, settings: testSettings({ workerId: 'worker-a', leaseMs, autoStart: false }) });
    apps.push(a);
    const id = `lease-${Date.now().toString(36)}`;
    await publishPackageStored(a.broker, await storePackage(blobRoot, id, [{ path: 'model.pkl', content: benignPickle() }]));
    const jobs = await expectEventually(async () => {
      const rows = await queryRows<JobRow & { lease_expires_at: Date }>(
        testInfra.databaseUrl,
        `SELECT owner, status, attempts, lease_expires_at FROM "${schema}".scan_job WHERE artifact_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(jobs[0]).toMatchObject({ owner: 'worker-a', status: 'pending', attempts: 0 });
    await a.close();

    // Worker B has its own broker: it never sees the event, it can only find the job through the lease.
    const b = await startScanTestApp({ schema, blobRoot, settings: testSettings({ workerId: 'worker-b', leaseMs }) });
    apps.push(b);
    const report = await expectEventually(
      async () => {
        const rows = await queryRows<{ worker_id: string; verdict: string; created_at: Date }>(
          testInfra.databaseUrl,
          `SELECT worker_id, verdict, created_at FROM "${schema}".scan_report WHERE artifact_id = $1`,
          [id],
        );
        expect(rows).toHaveLength(1);
        return rows[0];
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(report).toMatchObject({ worker_id: 'worker-b', verdict: 'clean' });
    // Not before the lease lapsed (both times from the database clock): a live owner keeps its work.
    expect(report.created_at.getTime()).toBeGreaterThanOrEqual(jobs[0].lease_expires_at.getTime());
    const [job] = await queryRows<JobRow>(testInfra.databaseUrl, `SELECT owner, status, attempts FROM "${schema}".scan_job WHERE artifact_id = $1`, [id]);
    expect(job).toMatchObject({ owner: 'worker-b', status: 'done', attempts: 1 });
    expect(published(b.broker, Topic.ScanCompleted).map((e) => e.payload.artifactId)).toEqual([id]);
  });

  it('takes over a job whose worker died mid-scan, and the dead worker cannot publish a late result', async () => {
    const id = `midscan-${Date.now().toString(36)}`;
    const payload = await storePackage(blobRoot, id, [{ path: 'model.pkl', content: benignPickle() }]);
    // A job claimed (status running) by a worker that is gone, its lease already expired.
    await queryRows(
      testInfra.databaseUrl,
      `INSERT INTO "${schema}".scan_job (artifact_id, artifact_type, name, version, files, causation_id, correlation_id, owner, status, attempts, lease_expires_at)
       VALUES ($1, 'model', $2, '1.0.0', $3::jsonb, 'cause', 'corr', 'worker-dead', 'running', 1, now() - interval '1 second')`,
      [id, payload.name, JSON.stringify(payload.files)],
    );
    const b = apps[apps.length - 1];
    await expectEventually(
      () => expect(published(b.broker, Topic.ScanCompleted).map((e) => e.payload.artifactId)).toContain(id),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const [job] = await queryRows<JobRow & { id: string }>(testInfra.databaseUrl, `SELECT id, owner, status, attempts FROM "${schema}".scan_job WHERE artifact_id = $1`, [id]);
    expect(job).toMatchObject({ owner: 'worker-b', status: 'done', attempts: 2 });
    // The dead worker, were it to come back with a result, no longer owns the job: finish() refuses it.
    const dataSource = b.service.app.get<DataSource>(DATA_SOURCE, { strict: false });
    expect(await new ScanJobStore().finish(dataSource.manager, job.id, 'worker-dead', 'done')).toBe(false);
  });
});
