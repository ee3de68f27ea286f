import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually, type FakeHuggingFace, queryRows, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { type GatedUpstream, startGatedUpstream } from '@modelguard/ingest-feature/testing';
import { RegistryClient } from './support/registry-client';

/**
 * The whole registry in embedded mode (every service on one PGlite session) while an upstream download
 * crawls: the public API keeps answering, other artifacts are created and mirrored, and the slow one
 * completes once its bytes arrive. Before ingestion ran outside the handler transaction, the first
 * download froze every service until it finished.
 */
describe('embedded registry stays usable during a slow upstream download', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-ingest-slow-e2e-'));
  let hf: FakeHuggingFace;
  let proxy: GatedUpstream;
  let app: EmbeddedApp;

  beforeAll(async () => {
    hf = await startFakeHuggingFace({ models: [{ id: 'acme/crawling-model', files: { 'README.md': '# crawling\nslow to fetch', 'config.json': '{}' } }], datasets: [] });
    proxy = await startGatedUpstream(hf.url, /\/resolve\//, 1);
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      HF_ENDPOINT: proxy.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '60000',
      MESSAGING_RETRY_ATTEMPTS: '1',
      MESSAGING_RETRY_INITIAL_DELAY_MS: '20',
    };
    app = await startEmbedded({ env, httpPort: 0 });
  });

  afterAll(async () => {
    proxy?.release();
    await app?.close();
    await proxy?.close();
    await hf?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates and mirrors another artifact while the first download is held, then finishes the first', async () => {
    const client = new RegistryClient(app.url);
    await client.login();
    const slowCreate = client.createArtifact('model', 'https://huggingface.co/acme/crawling-model');
    await proxy.whenHeld();

    const started = performance.now();
    const quickId = await client.createArtifact('dataset', 'https://www.kaggle.com/datasets/someone/quick-one');
    const quickMs = performance.now() - started;
    // Well under the gateway's 10 s ingest wait: the quick one was mirrored (metadata-only) and answered 201.
    expect(quickMs).toBeLessThan(5_000);
    const audit = await client.audit('dataset', quickId);
    expect(audit.status).toBe(200);

    const slowId = await slowCreate; // 202 after the gateway's wait: still ingesting, not an error
    const dbUrl = app.services['gateway'].config.database.url ?? '';
    const stateOf = async (id: string): Promise<string | undefined> =>
      (await queryRows<{ ingest_state: string }>(dbUrl, `SELECT ingest_state FROM gateway.artifact_versions WHERE artifact_id = $1`, [id]))[0]?.ingest_state;
    expect(await stateOf(quickId)).toBe('stored');
    expect(await stateOf(slowId)).toBe('ingesting');

    proxy.release();
    await expectEventually(async () => expect(await stateOf(slowId)).toBe('stored'), { timeoutMs: 30_000, intervalMs: 200 });
  });
});
