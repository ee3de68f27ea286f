import { expectEventually, type FakeHuggingFace, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../e2e/support/registry-client';
import { buildZip as zipOf } from '@modelguard/gateway-feature/testing';
import { buildOnce } from './support/build-once';
import { createDistributedRun, type DistributedRun } from './support/distributed-env';
import { type Fleet, startFleet } from './support/service-fleet';

describe('distributed mode: every service in its own process over real Kafka', () => {
  let run: DistributedRun;
  let fleet: Fleet | undefined;
  let hf: FakeHuggingFace;

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
    hf = await startFakeHuggingFace();
    // A create waits for ingest and the rating across the processes; generous on a loaded 2-core machine.
    fleet = await startFleet(run, undefined, { HF_ENDPOINT: hf.url, UPSTREAM_ALLOW_PRIVATE: 'true', GATEWAY_INGEST_WAIT_MS: '45000', SCORING_POLL_MS: '200' });
  });

  afterAll(async () => {
    await fleet?.stop();
    await hf?.close();
    await run?.dispose();
  });

  it('every service process is healthy', async () => {
    expect(Object.keys(fleet!.services)).toEqual(expect.arrayContaining(['audit', 'scoring', 'lineage', 'gateway']));
    for (const [name, service] of Object.entries(fleet!.services)) {
      expect((await fetch(`${service.url}/health`)).status, name).toBe(200);
    }
  });

  it('creates an artifact through the gateway and serves its audit entry from the audit process', async () => {
    const client = new RegistryClient(fleet!.gatewayUrl);
    const id = await client.createArtifact('model', 'https://huggingface.co/HuggingFaceTB/SmolLM-135M');
    await expectEventually(
      async () => {
        const res = await client.audit('model', id);
        expect(res.status).toBe(200);
        expect(res.body).toEqual([expect.objectContaining({ action: 'CREATE', artifact: expect.objectContaining({ id, type: 'model' }) })]);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it('rates an uploaded model across the processes: upload → package-uploaded → rating-computed → /rate', async () => {
    const client = new RegistryClient(fleet!.gatewayUrl);
    const token = await client.login();
    const card = '---\nlicense: mit\n---\n# tiny-uploaded\nA small text classifier for support tickets.\n';
    const zip = await zipOf({ 'README.md': card, 'config.json': '{"model_type": "bert"}', 'model.safetensors': Buffer.alloc(4096, 1) });
    const res = await fetch(`${fleet!.gatewayUrl}/artifact/model/package?name=tiny-uploaded`, {
      method: 'POST',
      headers: { 'x-authorization': token, 'content-type': 'application/zip' },
      body: zip,
      signal: AbortSignal.timeout(30_000),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { metadata: { id: string } }).metadata.id;
    const rated = await expectEventually(
      async () => {
        const r = await client.rate(id);
        expect(r.status).toBe(200);
        return r.body as { name: string; license: number; net_score: number };
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(rated).toMatchObject({ name: 'tiny-uploaded', license: 1 });
  });

  it('refuses a Hugging Face model whose rating fails the ingest gate (424), and keeps nothing of it', async () => {
    const client = new RegistryClient(fleet!.gatewayUrl);
    const token = await client.login();
    const res = await fetch(`${fleet!.gatewayUrl}/artifact/model`, {
      method: 'POST',
      headers: { 'x-authorization': token, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://huggingface.co/crangana/trained-gender' }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json()) as { error: string; failing_metrics: unknown[] };
    expect(res.status, JSON.stringify(body)).toBe(424);
    expect(body.failing_metrics.length).toBeGreaterThan(0);
    const byName = await fetch(`${fleet!.gatewayUrl}/artifact/byName/trained-gender`, { headers: { 'x-authorization': token } });
    expect(byName.status).toBe(404);
  });
});
