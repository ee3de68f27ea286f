import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dltTopicOf, Headers, type PackageStoredV1, type PackageStoredV2, Topic } from '@modelguard/contracts';
import { blobKey, FsBlobStore, writePackageClaims } from '@modelguard/storage';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignPickle } from '../test/model-fixtures';
import { deliver, envelopeOf, published, type ScanTestApp, startScanTestApp, storePackage, testSettings } from '../test/scan-test-app';

const schema = createTestSchemaName('scan_claims');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-claims-'));
const blobs = new FsBlobStore(blobRoot);
let app: ScanTestApp;
let seq = 0;
const newId = () => `scan-cc-${Date.now().toString(36)}-${(seq += 1)}`;

/** A v2 PackageStored for a stored package: the manifest written as a claim, as ingest does. */
async function storedV2(artifactId: string): Promise<PackageStoredV2> {
  const v1: PackageStoredV1 = await storePackage(blobRoot, artifactId, [
    { path: 'config.json', content: Buffer.from(`{"architectures":["TinyNet"],"id":"${artifactId}"}`) },
    { path: 'weights.pkl', content: benignPickle() },
  ]);
  const claims = await writePackageClaims(blobs, { files: v1.files, metadata: {} });
  return { artifactId, artifactType: 'model', name: v1.name, version: v1.version, source: 'huggingface', url: v1.url, totalBytes: v1.totalBytes, ...claims };
}

const deadLettered = (artifactId: string) =>
  expectEventually(
    () => {
      const found = app.broker.messages(dltTopicOf(Topic.PackageStoredV2)).filter((m) => m.key === artifactId);
      expect(found).toHaveLength(1);
      return found[0].headers;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
const jobsOf = async (artifactId: string) =>
  (await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."scan_job" WHERE artifact_id = $1`, [artifactId]))[0].n;

beforeAll(async () => {
  app = await startScanTestApp({ schema, blobRoot, settings: testSettings({ workerId: 'scan-cc' }) });
});
afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

/** The scan consumer of PackageStored v2: the manifest claim is fetched and verified before any work is recorded. */
describe('scan service: claim-checked package events (real Postgres, fs blobs, in-process broker)', () => {
  it('scans every file of the manifest the claim points at', { timeout: 90_000 }, async () => {
    const id = newId();
    await deliver(app.broker, envelopeOf(Topic.PackageStoredV2, await storedV2(id), id));
    const completed = await expectEventually(
      () => {
        const events = published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === id);
        expect(events).toHaveLength(1);
        return events[0];
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(completed.payload.verdict).toBe('clean');
    const [report] = await queryRows<{ file_count: number }>(testInfra.databaseUrl, `SELECT file_count FROM "${schema}"."scan_report" WHERE artifact_id = $1`, [id]);
    expect(report.file_count).toBe(2);
  });

  it('dead-letters an event whose manifest blob was altered, and records no scan', async () => {
    const id = newId();
    const payload = await storedV2(id);
    // Same length, other bytes: only the digest check can tell (a forged manifest listing nothing to scan).
    const forged = Buffer.alloc(payload.manifest.size, ' ');
    forged.write('[]');
    writeFileSync(join(blobRoot, blobKey(payload.manifest.sha256)), forged);
    await deliver(app.broker, envelopeOf(Topic.PackageStoredV2, payload, id));
    const headers = await deadLettered(id);
    expect(headers[Headers.DltError]).toMatch(/ClaimCheckError: claim check manifest \(blob [0-9a-f]{64}\): the content's SHA-256 is/);
    expect(headers[Headers.DltErrorKind]).toBe('handler');
    expect(await jobsOf(id)).toBe(0);
  });

  it('dead-letters an event whose manifest blob is missing, with a clear reason', async () => {
    const id = newId();
    const payload = await storedV2(id);
    await blobs.delete(payload.manifest.sha256);
    await deliver(app.broker, envelopeOf(Topic.PackageStoredV2, payload, id));
    const headers = await deadLettered(id);
    expect(headers[Headers.DltError]).toContain('the blob is not in the blob store');
    expect(await jobsOf(id)).toBe(0);
  });
});
