import { Topic } from '@modelguard/contracts';
import { messagingMigrations } from '@modelguard/messaging';
import { buildServiceDataSource, migrateServiceSchema } from '@modelguard/persistence';
import {
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  type FakeGitHub,
  type FakeHuggingFace,
  queryRows,
  startFakeGitHub,
  startFakeHuggingFace,
  testInfra,
} from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingestion1764310000000 } from './persistence/1764310000000-ingestion.migration';
import { jobRow, publishedFor } from '../test/ingest-job-probe';
import { deliver, ingestRequest, type IngestTestApp, startIngestTestApp } from '../test/ingest-test-app';

const schema = createTestSchemaName('ingest_mig');
const storedUrl = 'https://www.kaggle.com/datasets/legacy/stored';
const failedUrl = 'https://www.kaggle.com/datasets/legacy/failed';
let hf: FakeHuggingFace;
let gh: FakeGitHub;
let app: IngestTestApp;

/** Outcome rows as the service wrote them before the job columns existed. */
async function seedLegacySchema(): Promise<void> {
  const ds = buildServiceDataSource({ url: testInfra.databaseUrl, schema, entities: [], migrations: [...messagingMigrations(), Ingestion1764310000000], poolSize: 2 });
  await ds.initialize();
  try {
    await migrateServiceSchema(ds);
    const stored = { artifactId: 'legacy-stored', artifactType: 'dataset', name: 'stored', version: '1.0.0', url: storedUrl, source: 'metadata-only', files: [], totalBytes: 0, metadata: {} };
    await ds.query(
      `INSERT INTO "${schema}"."ingestion" (artifact_id, version, artifact_type, url, status, attempts, started_at, finished_at, error, result)
       VALUES ('legacy-stored', '1.0.0', 'dataset', $1, 'stored', 1, now(), now(), NULL, $2::jsonb),
              ('legacy-failed', '1.0.0', 'dataset', $3, 'failed', 3, now(), now(), 'upstream http-status: 503', NULL)`,
      [storedUrl, JSON.stringify(stored), failedUrl],
    );
  } finally {
    await ds.destroy();
  }
}

beforeAll(async () => {
  hf = await startFakeHuggingFace({ models: [], datasets: [] });
  gh = await startFakeGitHub({ repos: [] });
  await seedLegacySchema();
  app = await startIngestTestApp({ hfUrl: hf.url, githubUrl: gh.url }, {}, { schema });
});
afterAll(async () => {
  await app?.close();
  await hf?.close();
  await gh?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('IngestionJob migration over existing outcome rows', () => {
  it('keeps stored outcomes answerable without a download', async () => {
    const request = ingestRequest(storedUrl, 'dataset', 'legacy-stored');
    await deliver(app.broker, request);
    const events = await expectEventually(() => {
      const found = publishedFor(app.broker, Topic.PackageStoredV2, 'legacy-stored');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(events[0].causationId).toBe(request.eventId);
    expect(await jobRow(testInfra.databaseUrl, schema, 'legacy-stored')).toMatchObject({ status: 'stored', attempts: 1, owner: null });
  });

  it('turns a failed outcome back into a job when it is requested again', async () => {
    const request = ingestRequest(failedUrl, 'dataset', 'legacy-failed');
    await deliver(app.broker, request);
    await expectEventually(() => expect(publishedFor(app.broker, Topic.PackageStoredV2, 'legacy-failed')).toHaveLength(1));
    expect(await jobRow(testInfra.databaseUrl, schema, 'legacy-failed')).toMatchObject({ status: 'stored', attempts: 1, error: null });
  });

  it('recorded both migrations and the widened status check', async () => {
    const names = await queryRows<{ name: string }>(testInfra.databaseUrl, `SELECT name FROM "${schema}"."migrations" ORDER BY id`);
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(['Ingestion1764310000000', 'IngestionJob1764310000001']));
    await expect(
      queryRows(testInfra.databaseUrl, `UPDATE "${schema}"."ingestion" SET status = 'exploded' WHERE artifact_id = 'legacy-stored'`),
    ).rejects.toThrow(/ingestion_status_check/);
  });
});
