import { expectEventually, type FakeHuggingFace, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../e2e/support/registry-client';
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
    fleet = await startFleet(run, undefined, { HF_ENDPOINT: hf.url, UPSTREAM_ALLOW_PRIVATE: 'true' });
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
});
