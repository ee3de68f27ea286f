import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { buildServiceDataSource, clusterTemplateRoot, type EmbeddedPostgres, migrateServiceSchema, runInTransaction, startEmbeddedPostgres } from '@modelguard/persistence';
import { expectEventually, queryRows } from '@modelguard/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { type GatedUpstream, startGatedUpstream } from '../test/gated-upstream';
import { jobRow, outcomesFor, publishedFor, timed, within } from '../test/ingest-job-probe';
import { deliver, ingestRequest, type IngestTestApp, startIngestTestApp, storedContent } from '../test/ingest-test-app';

/**
 * Embedded mode: every service shares one PGlite session behind its wire server, which serves only the
 * connection holding an open transaction. A download inside the handler transaction froze the whole registry;
 * now the other services' transactions run while the body is still on its way.
 */
describe('ingest on embedded PGlite: a slow download does not freeze other services', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-ingest-pglite-'));
  let pg: EmbeddedPostgres;
  let hf: FakeHuggingFace;
  let gh: FakeGitHub;
  let proxy: GatedUpstream;
  let ingest: IngestTestApp;
  let otherService: DataSource;

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir, clusterTemplateRoot: clusterTemplateRoot(process.env) });
    hf = await startFakeHuggingFace({ models: [{ id: 'acme/embedded-model', files: { 'README.md': '# embedded', 'config.json': '{}' } }], datasets: [] });
    gh = await startFakeGitHub({ repos: [] });
    proxy = await startGatedUpstream(hf.url, /\/resolve\//, 1);
    ingest = await startIngestTestApp(
      { hfUrl: proxy.url, githubUrl: gh.url },
      { UPSTREAM_REQUEST_TIMEOUT_MS: '60000', DATABASE_POOL_SIZE: '3' },
      { databaseUrl: pg.url, schema: 'ingest', blobRoot: join(dataDir, 'blobs') },
    );
    // Another service of the same embedded process: its own schema and pool on the same PGlite.
    otherService = buildServiceDataSource({ url: pg.url, schema: 'audit_like', entities: [], migrations: [], poolSize: 2 });
    await otherService.initialize();
    await migrateServiceSchema(otherService);
    await otherService.query(`CREATE TABLE IF NOT EXISTS audit_like.entry (id serial PRIMARY KEY, body text NOT NULL)`);
  }, 120_000);

  afterAll(async () => {
    proxy?.release();
    await ingest?.close();
    if (otherService?.isInitialized) await otherService.destroy();
    await proxy?.close();
    await hf?.close();
    await gh?.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs another service transaction to completion while the download is in flight', async () => {
    const request = ingestRequest('https://huggingface.co/acme/embedded-model', 'model');
    await deliver(ingest.broker, request);
    await proxy.whenHeld();
    expect(await jobRow(pg.url, 'ingest', request.payload.artifactId)).toMatchObject({ status: 'running', attempts: 1 });

    const writeMs = await timed(() =>
      within(
        5_000,
        runInTransaction(otherService, async (manager) => {
          await manager.query(`INSERT INTO audit_like.entry (body) VALUES ($1)`, ['written during the download']);
          await manager.query(`SELECT count(*) FROM audit_like.entry`);
        }),
        'the other service transaction',
      ),
    );
    expect(writeMs).toBeLessThan(2_000);
    const rows = await queryRows<{ body: string }>(pg.url, `SELECT body FROM audit_like.entry`);
    expect(rows.map((r) => r.body)).toContain('written during the download');
    expect(outcomesFor(ingest.broker, request.payload.artifactId)).toBe(0);

    proxy.release();
    const stored = await expectEventually(() => {
      const events = publishedFor(ingest.broker, Topic.PackageStoredV2, request.payload.artifactId);
      expect(events).toHaveLength(1);
      return events[0];
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect((await storedContent(ingest.blobRoot, stored.payload)).files.map((f) => f.path).sort()).toEqual(['README.md', 'config.json']);
    expect(await jobRow(pg.url, 'ingest', request.payload.artifactId)).toMatchObject({ status: 'stored', attempts: 1 });
  });
});
