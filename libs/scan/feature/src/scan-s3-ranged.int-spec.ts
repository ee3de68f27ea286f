import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Topic } from '@modelguard/contracts';
import { S3BlobStore } from '@modelguard/storage';
import { createTestSchemaName, dropSchemas, expectEventually, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignPickle, largeMaliciousPickle, sha256Of } from '../test/model-fixtures';
import { publishPackageStored, published, type ScanTestApp, startScanTestApp, testSettings } from '../test/scan-test-app';
import type { ScanReportView } from './persistence/scan-report.store';

const schema = createTestSchemaName('scan_s3');
const bucket = `scan-it-${uniqueSuffix()}`.toLowerCase().slice(0, 63);
const s3Settings = {
  endpoint: testInfra.s3Endpoint,
  region: 'us-east-1',
  bucket,
  accessKeyId: 'test',
  secretAccessKey: 'test',
  forcePathStyle: true,
  multipartPartSizeBytes: 5 * 1024 * 1024,
};
const store = new S3BlobStore(s3Settings);
let app: ScanTestApp;

beforeAll(async () => {
  await store.ensureBucket();
  app = await startScanTestApp({
    schema,
    blobRoot: mkdtempSync(join(tmpdir(), 'mg-scan-unused-')),
    // spoolMaxBytes 0: every file goes through ranged GETs, the path multi-GB models take in production.
    settings: testSettings({ workerId: 'scan-s3', spoolMaxBytes: 0 }),
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: s3Settings.endpoint,
      S3_REGION: s3Settings.region,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      S3_FORCE_PATH_STYLE: 'true',
    },
  });
});

afterAll(async () => {
  await app?.close();
  store.destroy();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('scanning blobs in S3 through ranged reads (S3Mock, real scanner)', () => {
  it('finds a dangerous global 3 MB into a pickle and passes a benign one', { timeout: 90_000 }, async () => {
    const evil = largeMaliciousPickle(3 * 1024 * 1024);
    const benign = benignPickle();
    for (const content of [evil, benign]) await store.put(Readable.from([content]));
    const id = `s3-${uniqueSuffix()}`;
    const files = [
      { path: 'pytorch_model.bin', size: evil.length, sha256: sha256Of(evil) },
      { path: 'optimizer.pkl', size: benign.length, sha256: sha256Of(benign) },
    ];
    await publishPackageStored(app.broker, {
      artifactId: id, artifactType: 'model', name: 'big', version: '1.0.0', source: 'upload', url: `upload://${id}`,
      files, totalBytes: evil.length + benign.length, metadata: {},
    });
    const completed = await expectEventually(
      () => {
        const events = published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === id);
        expect(events).toHaveLength(1);
        return events[0];
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(completed.payload.verdict).toBe('blocked');
    const report = (await (await fetch(`${app.service.url}/internal/artifacts/${id}/scan-report`)).json()) as ScanReportView;
    const big = report.files.find((f) => f.path === 'pytorch_model.bin')!;
    expect(big.verdict).toBe('malicious');
    const finding = big.findings.find((f) => f.severity === 'CRITICAL')!;
    expect(finding.message).toMatch(/system/);
    expect(finding.location.offset ?? 0).toBeGreaterThan(3 * 1024 * 1024);
    expect(report.files.find((f) => f.path === 'optimizer.pkl')?.verdict).toBe('clean');
  });

  it('publishes ScanFailed when the object is missing from the bucket', async () => {
    const id = `s3-missing-${uniqueSuffix()}`;
    await publishPackageStored(app.broker, {
      artifactId: id, artifactType: 'model', name: 'gone', version: '1.0.0', source: 'upload', url: `upload://${id}`,
      files: [{ path: 'weights.bin', size: 10_000, sha256: 'a'.repeat(64) }], totalBytes: 10_000, metadata: {},
    });
    const failed = await expectEventually(
      () => {
        const events = published(app.broker, Topic.ScanFailed).filter((e) => e.payload.artifactId === id);
        expect(events).toHaveLength(1);
        return events[0];
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(failed.payload.reason).toMatch(/weights\.bin.*missing or unreadable/);
  });
});
