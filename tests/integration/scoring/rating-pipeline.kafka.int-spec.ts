import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { RATING_METRICS, SIZE_SCORE_TARGETS, latencyField } from '@modelguard/domain';
import { GatewayFeatureModule } from '@modelguard/gateway-feature';
import { ContractClient, buildZip, loginAsAdmin, type CreatedArtifact } from '@modelguard/gateway-feature/testing';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { ScoringModule } from '@modelguard/scoring-feature';
import { createKafkaTopics, createTestSchemaName, dropSchemas, expectEventually, queryRows, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForGroupCaughtUp } from './kafka-group-lag';

/** What `/rate` must answer: every ModelRating field of the spec (the ContractClient also checks it with ajv). */
function expectCompleteRating(body: Record<string, unknown>, name: string): void {
  expect(body['name']).toBe(name);
  expect(typeof body['category']).toBe('string');
  for (const metric of RATING_METRICS) {
    expect(body[latencyField(metric)], latencyField(metric)).toBeGreaterThanOrEqual(0);
    if (metric === 'size_score') for (const t of SIZE_SCORE_TARGETS) expect((body[metric] as Record<string, number>)[t], `size_score.${t}`).toBeGreaterThanOrEqual(0);
    else expect(typeof body[metric], metric).toBe('number');
  }
}

/**
 * The rating pipeline over real Kafka, each service in its own schema and consumer group: an upload makes the
 * gateway publish PackageUploaded, scoring records it, rates the model (linked to the code and dataset uploaded
 * before it) and publishes RatingComputed, and the gateway's read model makes `/rate` answer.
 */
describe('rating pipeline over Kafka: upload → scoring → rating-computed → /rate', () => {
  const run = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const gatewaySchema = createTestSchemaName('rate_gw');
  const scoringSchema = createTestSchemaName('rate_sc');
  const scoringGroup = `it-${run}-scoring`;
  let dir: string;
  let gateway: RunningService;
  let scoring: RunningService;
  let client: ContractClient;
  let token: string;

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    dir = await mkdtemp(join(tmpdir(), 'rating-pipeline-'));
    const env = (service: string) =>
      serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `it-${run}-${service}`, DATA_DIR: join(dir, service), STORAGE_ROOT: join(dir, 'blobs') });
    scoring = await bootstrapService({
      service: 'scoring',
      module: ScoringModule.forService({ schema: scoringSchema, relayPollMs: 50, settings: { pollMs: 100, leaseMs: 5_000 } }),
      env: env('scoring'),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: gatewaySchema, gateway: { tmpDir: join(dir, 'gateway-tmp') } })] })
    class GatewayRoot {}
    gateway = await bootstrapService({ service: 'gateway', module: GatewayRoot, httpPort: 0, env: env('gateway'), shutdownHooks: false, exitOnConfigError: false });
    client = new ContractClient(gateway.url);
    token = await loginAsAdmin(client);
    // The new group reads the shared broker's history first; an old RegistryReset must not land after our uploads.
    await waitForGroupCaughtUp(scoringGroup, [Topic.PackageStored, Topic.PackageUploaded, Topic.PackageStoredV2, Topic.PackageUploadedV2, Topic.RegistryReset, Topic.ArtifactDeleted]);
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await scoring?.close();
    await dropSchemas(testInfra.databaseUrl, [gatewaySchema, scoringSchema]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const upload = async (type: 'model' | 'code' | 'dataset', name: string, files: Record<string, string | Buffer>) => {
    const res = await client.call<CreatedArtifact>('POST', `/artifact/${type}/package?name=${name}`, { token, rawBody: await buildZip(files), contentType: 'application/zip' });
    expect(res.status, res.raw.toString()).toBe(201);
    return res.body.metadata.id;
  };

  it('rates an uploaded model, linked to the code and dataset uploaded before it, and /rate answers every ModelRating field', async () => {
    const codeId = await upload('code', `train-code-${run}`, { 'README.md': '# Training code\n', 'train.py': 'import torch\n', 'tests/test_train.py': 'def test_x():\n    assert True\n' });
    const datasetId = await upload('dataset', `corpus-${run}`, { 'README.md': '# Corpus\nA text corpus.\n', 'data/train.jsonl': '{"text": "hello"}\n' });
    const name = `tiny-model-${run}`;
    const card = `---\nlicense: apache-2.0\n---\n# ${name}\n\nA small model.\n\n## Usage\n\n\`\`\`python\nfrom transformers import pipeline\npipe = pipeline("fill-mask", model="${name}")\n\`\`\`\n\n## License\n\nApache 2.0\n`;
    const modelId = await upload('model', name, { 'README.md': card, 'config.json': '{"model_type": "bert", "torch_dtype": "float32"}', 'model.safetensors': randomBytes(4096) });

    const rated = await expectEventually(
      async () => {
        const res = await client.call<Record<string, unknown>>('GET', `/artifact/model/${modelId}/rate`, { token });
        expect(res.status).toBe(200);
        return res.body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expectCompleteRating(rated, name);
    // The upload event carries no card: scoring read the README from the blob store (its License section counts).
    expect(rated['license']).toBe(1);

    const [row] = await queryRows<{ linked_code_id: string | null; linked_dataset_id: string | null }>(
      testInfra.databaseUrl,
      `SELECT linked_code_id, linked_dataset_id FROM "${scoringSchema}".model_rating WHERE artifact_id = $1`,
      [modelId],
    );
    expect(row).toEqual({ linked_code_id: codeId, linked_dataset_id: datasetId });
    // Code and datasets are recorded for linking, never rated.
    expect((await client.call('GET', `/artifact/model/${codeId}/rate`, { token })).status).toBe(404);
  }, 120_000);
});
