import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEventually, type FakeHuggingFace, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { OpenApiContract } from '@modelguard/gateway-feature/testing';
import { RegistryClient } from './support/registry-client';

describe('embedded mode: one process, PGlite, in-process broker', () => {
  const contract = new OpenApiContract();
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-embedded-'));
  let env: NodeJS.ProcessEnv;
  let hf: FakeHuggingFace;
  let app: EmbeddedApp;

  beforeAll(async () => {
    // HuggingFace is unreachable here: ingest fetches from the fake (on loopback, hence ALLOW_PRIVATE).
    hf = await startFakeHuggingFace();
    env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error', HF_ENDPOINT: hf.url, UPSTREAM_ALLOW_PRIVATE: 'true', MESSAGING_RETRY_ATTEMPTS: '1', MESSAGING_RETRY_INITIAL_DELAY_MS: '20' };
    app = await startEmbedded({ env, httpPort: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await hf?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves health for every service', async () => {
    for (const [name, service] of Object.entries(app.services)) {
      expect((await fetch(`${service.url}/health`)).status, name).toBe(200);
    }
  });

  it('creates an artifact, shows its CREATE audit entry and its rating through the gateway, and keeps both across a restart', async () => {
    const client = new RegistryClient(app.url);
    const id = await client.createArtifact('model', 'https://huggingface.co/HuggingFaceTB/SmolLM-135M');
    await app.broker.whenIdle();
    const entries = await expectEventually(
      async () => {
        const res = await client.audit('model', id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual([expect.objectContaining({ action: 'CREATE', artifact: expect.objectContaining({ id, type: 'model' }) })]);
        return res.body as Array<{ user: { name: string } }>;
      },
      { timeoutMs: 15_000 },
    );
    expect(entries[0].user.name).toBeTruthy();
    // Scoring rated the ingested model; /rate answers from the gateway's read model, valid against the spec.
    const rated = await expectEventually(
      async () => {
        const res = await client.rate(id);
        expect(res.status).toBe(200);
        return res;
      },
      { timeoutMs: 30_000 },
    );
    expect(contract.check('GET', `/artifact/model/${id}/rate`, rated.status, rated.contentType, rated.body)).toEqual([]);

    // Same DATA_DIR: PGlite reopens its files, so the audit log (and the artifact) survive.
    await app.close();
    app = await startEmbedded({ env, httpPort: 0 });
    const again = new RegistryClient(app.url);
    const after = await again.audit('model', id);
    expect(after.status).toBe(200);
    expect(after.body).toHaveLength(1);
    expect((await again.rate(id)).body).toEqual(rated.body);
  });
});
