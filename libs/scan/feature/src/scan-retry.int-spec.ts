import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import type { FileReport } from '@modelguard/scanner';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPackageStored, published, type ScanTestApp, startScanTestApp, storePackage, testSettings } from '../test/scan-test-app';
import type { FileScanEngine } from './scanning/scan-engine.port';

const schema = createTestSchemaName('scan_retry');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-blobs-'));
let app: ScanTestApp;

/** Crashes on files whose name says so: `flaky-*` once, `broken-*` always (a scanner bug, not the content). */
function crashingEngine(): FileScanEngine {
  const crashed = new Set<string>();
  const judge = (path: string): FileReport => {
    if (path.includes('broken') || (path.includes('flaky') && !crashed.has(path))) {
      crashed.add(path);
      throw new Error(`scanner crashed on ${path}`);
    }
    return { path, size: 1, format: 'text', verdict: 'clean', findings: [], durationMs: 1 };
  };
  return { version: 'crashy', fingerprint: 'c'.repeat(64), scanInput: async (input) => judge(input.path), scanFile: async (_file, displayPath) => judge(displayPath) };
}

beforeAll(async () => {
  app = await startScanTestApp({ schema, blobRoot, engine: crashingEngine(), settings: testSettings({ workerId: 'scan-retry', maxAttempts: 2 }) });
});

afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('scan retries (real Postgres)', () => {
  it('retries a scan that crashed and completes it on the next attempt', async () => {
    const id = `flaky-${Date.now().toString(36)}`;
    await publishPackageStored(app.broker, await storePackage(blobRoot, id, [{ path: 'flaky-model.bin', content: Buffer.from(id) }]));
    await expectEventually(() => expect(published(app.broker, Topic.ScanCompleted).map((e) => e.payload.artifactId)).toContain(id), { timeoutMs: 20_000 });
    const [job] = await queryRows<{ status: string; attempts: number; last_error: string }>(
      testInfra.databaseUrl,
      `SELECT status, attempts, last_error FROM "${schema}".scan_job WHERE artifact_id = $1`,
      [id],
    );
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(job.last_error).toMatch(/scanner crashed/);
  });

  it('gives up with ScanFailed (which blocks the download) once the attempts are spent', async () => {
    const id = `broken-${Date.now().toString(36)}`;
    await publishPackageStored(app.broker, await storePackage(blobRoot, id, [{ path: 'broken-model.bin', content: Buffer.from(id) }]));
    const failed = await expectEventually(
      () => {
        const events = published(app.broker, Topic.ScanFailed).filter((e) => e.payload.artifactId === id);
        expect(events).toHaveLength(1);
        return events[0];
      },
      { timeoutMs: 20_000 },
    );
    expect(failed.payload.reason).toMatch(/after 2 attempts: scanner crashed/);
    expect(published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === id)).toHaveLength(0);
  });
});
