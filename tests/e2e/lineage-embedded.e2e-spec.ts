import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { buildZip, ContractClient, type CreatedArtifact, loginAsAdmin } from '@modelguard/gateway-feature/testing';
import { expectEventually, type FakeHuggingFace, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface SpecGraph {
  nodes: { artifact_id: string; name: string }[];
  edges: { from_node_artifact_id: string; to_node_artifact_id: string; relationship: string }[];
}

/**
 * Lineage in embedded mode (PGlite, in-process broker, one shared blob store): the lineage service boots with the
 * others, the gateway reaches it through LINEAGE_URL, and an upload's config.json (read from the shared blob store)
 * hangs it under the model it was fine-tuned from.
 */
describe('embedded mode: lineage and cost through the gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-embedded-lineage-'));
  let hf: FakeHuggingFace;
  let app: EmbeddedApp;
  let client: ContractClient;
  let token: string;

  beforeAll(async () => {
    hf = await startFakeHuggingFace({ models: ['microsoft/resnet-50'], datasets: [] });
    // No rating gate: this test is about lineage, not about whether resnet-50 passes the ingest threshold.
    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error', HF_ENDPOINT: hf.url, UPSTREAM_ALLOW_PRIVATE: 'true', GATEWAY_RATING_GATE: 'false' };
    app = await startEmbedded({ env, httpPort: 0 });
    client = new ContractClient(app.url);
    token = await loginAsAdmin(client);
  });

  afterAll(async () => {
    await app?.close();
    await hf?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the lineage of an ingested model and of an upload that names it, and the upload’s cost with it', async () => {
    const created = await client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: 'https://huggingface.co/microsoft/resnet-50' } });
    expect(created.status, created.raw.toString()).toBe(201);
    const resnet = created.body.metadata.id;
    const zip = await buildZip({ 'config.json': JSON.stringify({ _name_or_path: 'microsoft/resnet-50', model_type: 'resnet' }), 'model.safetensors': Buffer.alloc(3_000, 2) });
    const uploaded = await client.call<CreatedArtifact>('POST', '/artifact/model/package?name=resnet-flowers', { token, rawBody: zip, contentType: 'application/zip' });
    expect(uploaded.status, uploaded.raw.toString()).toBe(201);
    const tuned = uploaded.body.metadata.id;

    const graph = await expectEventually(
      async () => {
        const res = await client.call<SpecGraph>('GET', `/artifact/model/${tuned}/lineage`, { token });
        expect(res.status).toBe(200);
        expect(res.body.edges).toEqual([{ from_node_artifact_id: resnet, to_node_artifact_id: tuned, relationship: 'base_model' }]);
        return res.body;
      },
      { timeoutMs: 20_000 },
    );
    expect(graph.nodes.map((n) => [n.artifact_id, n.name])).toEqual([
      [tuned, 'resnet-flowers'],
      [resnet, 'resnet-50'],
    ]);
    const cost = await client.call<Record<string, { standalone_cost: number; total_cost: number }>>('GET', `/artifact/model/${tuned}/cost?dependency=true`, { token });
    expect(cost.status).toBe(200);
    expect(Object.keys(cost.body).sort()).toEqual([tuned, resnet].sort());
    expect(cost.body[tuned]!.total_cost).toBeGreaterThan(cost.body[resnet]!.total_cost);
  }, 60_000);
});
