import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ALL_TOPICS, dltTopicOf, type Envelope, type PackageStoredV2, Topic } from '@modelguard/contracts';
import { GatewayFeatureModule } from '@modelguard/gateway-feature';
import { ContractClient, type CreatedArtifact, loginAsAdmin } from '@modelguard/gateway-feature/testing';
import { IngestModule } from '@modelguard/ingest-feature';
import { LineageModule } from '@modelguard/lineage-feature';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { ScanServiceModule } from '@modelguard/scan-feature';
import { ScoringModule } from '@modelguard/scoring-feature';
import { FsBlobStore, packageContentOf } from '@modelguard/storage';
import {
  createKafkaTopics,
  createTestSchemaName,
  deleteKafkaTopics,
  dropSchemas,
  expectEventually,
  type FakeHuggingFace,
  queryRows,
  recordKafkaTopics,
  serviceTestEnv,
  startFakeHuggingFace,
  testInfra,
  type TopicRecorder,
  uniqueSuffix,
  startGroupAtEnd,
} from '@modelguard/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Kafka's default `message.max.bytes` (the development broker keeps the default). */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
const FILES = 1_100;

/**
 * Claim checks over real Kafka (issue 11.5): a Hugging Face model whose manifest and README together are well over
 * Kafka's 1 MB message limit is registered through the gateway, ingest stores it and publishes PackageStored v2
 * (manifest and README as blob claims), and every consumer works from the full content: the gateway's version row
 * and README search, the scan report, scoring's record and rating, lineage's record. Inline, the same event would
 * be refused by the broker (checked below), so before claim checks the outbox relay could never publish it.
 */
describe('claim checks over Kafka: a package over 1 MB flows from ingest to every consumer', () => {
  const run = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const repo = `claims-${run}/huge-manifest`;
  const marker = `end-of-card-${run}`;
  const schemas = { gateway: createTestSchemaName('cc_gw'), ingest: createTestSchemaName('cc_in'), scan: createTestSchemaName('cc_sc'), scoring: createTestSchemaName('cc_ra'), lineage: createTestSchemaName('cc_ln') };
  // Long paths (about 1,000 characters in four segments; entry names may have 4,096 bytes) so that the manifest alone
  // passes 1 MB with few files, each of which ingest fetches, stores and scans; a README near the ingest cap
  // (256 KiB) whose last line is the marker.
  const dir = (i: number) => `shards/${Array.from({ length: 4 }, (_, k) => `${'layer-block-'.repeat(20)}${k}`).join('/')}${String(i % 50).padStart(3, '0')}`;
  const files = Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`${dir(i)}/part-${String(i).padStart(5, '0')}.json`, `{"part": ${i}}`]));
  const readme = `---\nlicense: mit\nbase_model: claims-${run}/the-base\n---\n# Huge manifest\n\n${'A model card line that pads the README.\n'.repeat(5_000)}${marker}\n`;
  let root: string;
  let blobRoot: string;
  let hf: FakeHuggingFace;
  let services: RunningService[] = [];
  let client: ContractClient;
  let token: string;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    hf = await startFakeHuggingFace({
      models: [{ id: repo, info: { library_name: 'transformers', cardData: { license: 'mit', base_model: `claims-${run}/the-base` } }, files: { 'README.md': readme, 'config.json': '{"model_type": "bert"}', ...files } }],
      datasets: [],
    });
    const names = ['gateway', 'ingest', 'scan', 'scoring', 'lineage'];
    // Every group starts from now: other runs' claim blobs live in their own directories, not in this blob store.
    await Promise.all(names.map((service) => startGroupAtEnd(`it-${run}-${service}`, ALL_TOPICS)));
    root = await mkdtemp(join(tmpdir(), 'claim-checks-'));
    blobRoot = join(root, 'blobs');
    const env = (service: string, extra: Record<string, string> = {}) =>
      serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `it-${run}-${service}`, DATA_DIR: join(root, service), STORAGE_ROOT: blobRoot, ...extra });
    const boot = async (service: string, module: Parameters<typeof bootstrapService>[0]['module'], extra: Record<string, string> = {}) => {
      const running = await bootstrapService({ service, module, httpPort: 0, env: env(service, extra), shutdownHooks: false, exitOnConfigError: false });
      services.push(running);
      return running;
    };
    const lineage = await boot('lineage', LineageModule.forService({ schema: schemas.lineage, relayPollMs: 50 }));
    await boot('scan', ScanServiceModule.forService({ schema: schemas.scan, relayPollMs: 50 }));
    await boot('scoring', ScoringModule.forService({ schema: schemas.scoring, relayPollMs: 50, settings: { pollMs: 100, leaseMs: 30_000 } }));
    await boot('ingest', IngestModule.forService({ schema: schemas.ingest, relayPollMs: 50 }), {
      INGEST_POLL_MS: '100',
      HF_ENDPOINT: hf.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '10000',
    });
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: schemas.gateway, gateway: { tmpDir: join(root, 'gateway-tmp'), ratingGate: false, ingestWaitMs: 1_000 } })] })
    class GatewayRoot {}
    const gateway = await boot('gateway', GatewayRoot, { LINEAGE_URL: lineage.url });
    client = new ContractClient(gateway.url);
    token = await loginAsAdmin(client);
    recorder = await recordKafkaTopics([Topic.PackageStoredV2]);
  }, 240_000);

  afterAll(async () => {
    await recorder?.stop();
    for (const service of services.reverse()) await service.close();
    services = [];
    await hf?.close();
    await dropSchemas(testInfra.databaseUrl, Object.values(schemas));
    if (root) await rm(root, { recursive: true, force: true });
  });

  const rows = <T>(sql: string, params: unknown[]) => queryRows<T>(testInfra.databaseUrl, sql, params);

  it('the broker refuses the inline (v1-shaped) event: the claim check is what makes it publishable', async () => {
    const inline = JSON.stringify({ files: Object.keys(files).map((path) => ({ path, size: 12, sha256: 'a'.repeat(64) })), metadata: { readme } });
    expect(Buffer.byteLength(inline)).toBeGreaterThan(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    const probe = `claim-check-probe-${run}`;
    await createKafkaTopics([probe]);
    const producer = new Kafka({ clientId: `probe-${run}`, brokers: [...testInfra.kafkaBrokers], logLevel: logLevel.NOTHING }).producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: probe, messages: [{ value: inline }] })).rejects.toThrow(/larger than the max message size/);
    } finally {
      await producer.disconnect();
      await deleteKafkaTopics([probe]);
    }
  }, 60_000);

  it('stores the model and every consumer sees the full manifest and README', async () => {
    const res = await client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: `https://huggingface.co/${repo}` } });
    expect([201, 202], res.raw.toString()).toContain(res.status);
    const id = res.body.metadata.id;
    const total = FILES + 2;

    // The event on Kafka: small, with claims whose content is the full manifest and README.
    const event = await expectEventually(
      () => {
        const found = recorder.messages(Topic.PackageStoredV2).filter((m) => m.key === id);
        expect(found).toHaveLength(1);
        return found[0];
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(Buffer.byteLength(event.value)).toBeLessThan(16 * 1024);
    const payload = (JSON.parse(event.value) as Envelope<PackageStoredV2>).payload;
    expect(payload.manifest.entries).toBe(total);
    expect(payload.manifest.size + (payload.readme?.size ?? 0)).toBeGreaterThan(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    const content = await packageContentOf(new FsBlobStore(blobRoot), payload);
    expect(content.files.map((f) => f.path).sort()).toEqual(hf.filesOf(repo).map((f) => f.path).sort());
    expect(content.metadata.readme).toBe(readme);

    // Gateway: the version holds the whole manifest and its claim digests; README search finds the card's last line.
    await expectEventually(
      async () => {
        const [v] = await rows<{ n: number; manifest_sha256: string; readme_sha256: string; scan_state: string }>(
          `SELECT jsonb_array_length(files) AS n, manifest_sha256, readme_sha256, scan_state FROM "${schemas.gateway}".artifact_versions WHERE artifact_id = $1`,
          [id],
        );
        expect(v).toEqual({ n: total, manifest_sha256: payload.manifest.sha256, readme_sha256: payload.readme?.sha256, scan_state: 'clean' });
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const search = await client.call<{ id: string }[]>('POST', '/artifact/byRegEx', { token, json: { regex: marker } });
    expect(search.status).toBe(200);
    expect(search.body.map((m) => m.id)).toEqual([id]);

    // Scan: the report covers every file of the manifest.
    const [report] = await rows<{ file_count: number; verdict: string }>(`SELECT file_count, verdict FROM "${schemas.scan}".scan_report WHERE artifact_id = $1`, [id]);
    expect(report).toEqual({ file_count: total, verdict: 'clean' });

    // Scoring: the record holds the full manifest and README, and the model is rated.
    const [scored] = await rows<{ n: number; readme_chars: number }>(
      `SELECT jsonb_array_length(files) AS n, length(metadata->>'readme') AS readme_chars FROM "${schemas.scoring}".scored_artifact WHERE artifact_id = $1`,
      [id],
    );
    expect(scored).toEqual({ n: total, readme_chars: readme.length });
    await expectEventually(
      async () => expect((await client.call('GET', `/artifact/model/${id}/rate`, { token })).status).toBe(200),
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    // Lineage: the model is recorded with its size and content, its base model pending.
    const [node] = await rows<{ total_bytes: string }>(`SELECT total_bytes FROM "${schemas.lineage}".lineage_artifact WHERE artifact_id = $1`, [id]);
    expect(Number(node.total_bytes)).toBe(content.files.reduce((n, f) => n + f.size, 0));
    const graph = await client.call<{ pending: { upstream_id: string }[] }>('GET', `/artifacts/model/${id}/lineage?depth=1`, { token });
    expect(graph.body.pending.map((p) => p.upstream_id)).toContain(`claims-${run}/the-base`);
  }, 420_000);
});
