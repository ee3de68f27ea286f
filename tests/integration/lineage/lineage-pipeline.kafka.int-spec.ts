import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ALL_TOPICS, dltTopicOf, type Envelope, type LineageChangedV1, Topic } from '@modelguard/contracts';
import { GatewayFeatureModule } from '@modelguard/gateway-feature';
import { buildZip, ContractClient, type CreatedArtifact, loginAsAdmin } from '@modelguard/gateway-feature/testing';
import { IngestModule } from '@modelguard/ingest-feature';
import { LineageModule } from '@modelguard/lineage-feature';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import {
  createKafkaTopics,
  createTestSchemaName,
  dropSchemas,
  expectEventually,
  type FakeHuggingFace,
  type FakeRepoSpec,
  recordKafkaTopics,
  serviceTestEnv,
  startFakeHuggingFace,
  testInfra,
  type TopicRecorder,
  uniqueSuffix,
  startGroupAtEnd,
} from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RECORDED = join(__dirname, '..', '..', 'fixtures', 'upstreams', 'huggingface', 'models');

/**
 * A recorded fixture (tests/fixtures/upstreams) served under another org: the development broker is shared, so each
 * run's repos get their own ids (`rename` rewrites the org of the parents its files name).
 */
function recordedAs(repo: string, id: string, rename: Record<string, string> = {}): FakeRepoSpec {
  const dir = join(RECORDED, repo.replace('/', '__'));
  const renamed = (text: string) => Object.entries(rename).reduce((t, [from, to]) => t.split(from).join(to), text);
  const spec = JSON.parse(renamed(readFileSync(join(dir, '_repo.json'), 'utf8'))) as FakeRepoSpec;
  const files = Object.fromEntries(readdirSync(dir).filter((f) => f !== '_repo.json').map((f) => [f, renamed(readFileSync(join(dir, f), 'utf8'))]));
  return { ...spec, id, files };
}

/** The Hub's base of trained-gender (not among the recorded fixtures): config.json and a card naming its datasets. */
const vitBase = (id: string): FakeRepoSpec => ({
  id,
  info: { library_name: 'transformers', pipeline_tag: 'image-classification', cardData: { license: 'apache-2.0', datasets: ['imagenet-1k', 'imagenet-21k'] } },
  files: {
    'config.json': JSON.stringify({ architectures: ['ViTForImageClassification'], model_type: 'vit', image_size: 224, patch_size: 16 }),
    'README.md': '---\nlicense: apache-2.0\ndatasets:\n- imagenet-1k\n- imagenet-21k\n---\n# Vision Transformer (base-sized model)\n',
  },
  generated: [{ path: 'model.safetensors', size: 24_576, format: 'safetensors' }],
});

/** An ONNX export of trained-gender whose card says how it relates to its base (onnx-community's layout). */
const onnxExport = (id: string, base: string): FakeRepoSpec => ({
  id,
  info: { library_name: 'transformers.js', cardData: { library_name: 'transformers.js', base_model: base, base_model_relation: 'quantized' } },
  files: {
    'config.json': JSON.stringify({ _name_or_path: base, architectures: ['ViTForImageClassification'], model_type: 'vit' }),
    'README.md': `---\nlibrary_name: transformers.js\nbase_model: ${base}\nbase_model_relation: quantized\n---\n\nhttps://huggingface.co/${base} with ONNX weights.\n`,
  },
  generated: [
    { path: 'onnx/model.onnx', size: 12_288, format: 'raw' },
    { path: 'onnx/model_quantized.onnx', size: 4_096, format: 'raw' },
  ],
});

interface SpecGraph {
  nodes: { artifact_id: string; name: string; source: string }[];
  edges: { from_node_artifact_id: string; to_node_artifact_id: string; relationship: string }[];
}
type Cost = Record<string, { total_cost: number; standalone_cost?: number }>;

/**
 * The lineage pipeline over real Kafka, each service in its own schema and consumer group: the gateway registers
 * Hub models, ingest fetches them from the fake Hub and publishes PackageStored, lineage builds the graph (pending
 * parents resolved as they arrive) and publishes LineageChanged, and the gateway answers lineage and cost from it.
 */
describe('lineage pipeline over Kafka: package-stored → lineage-changed → /lineage and /cost', () => {
  const run = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const ns = `lineage-${run}`;
  const repos = { vit: `${ns}/vit-base-patch16-224`, gender: `${ns}/trained-gender`, onnx: `${ns}/trained-gender-ONNX`, resnet: `${ns}/resnet-50` };
  const schemas = { gateway: createTestSchemaName('lin_gw'), ingest: createTestSchemaName('lin_in'), lineage: createTestSchemaName('lin_ln') };
  let dir: string;
  let hf: FakeHuggingFace;
  let services: RunningService[] = [];
  let client: ContractClient;
  let token: string;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    hf = await startFakeHuggingFace({
      models: [
        recordedAs('microsoft/resnet-50', repos.resnet),
        recordedAs('crangana/trained-gender', repos.gender, { 'google/vit-base-patch16-224': repos.vit }),
        vitBase(repos.vit),
        onnxExport(repos.onnx, repos.gender),
      ],
      datasets: [],
    });
    // Every group starts from now: other runs' packages on the shared broker are not this registry.
    await Promise.all(['gateway', 'ingest', 'lineage'].map((service) => startGroupAtEnd(`it-${run}-${service}`, ALL_TOPICS)));
    dir = await mkdtemp(join(tmpdir(), 'lineage-pipeline-'));
    const env = (service: string, extra: Record<string, string> = {}) =>
      serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `it-${run}-${service}`, DATA_DIR: join(dir, service), STORAGE_ROOT: join(dir, 'blobs'), ...extra });
    const boot = async (service: string, module: Parameters<typeof bootstrapService>[0]['module'], extra: Record<string, string> = {}) => {
      const running = await bootstrapService({ service, module, httpPort: 0, env: env(service, extra), shutdownHooks: false, exitOnConfigError: false });
      services.push(running);
      return running;
    };
    const lineage = await boot('lineage', LineageModule.forService({ schema: schemas.lineage, relayPollMs: 50 }));
    await boot('ingest', IngestModule.forService({ schema: schemas.ingest, relayPollMs: 50 }), {
      INGEST_POLL_MS: '100',
      HF_ENDPOINT: hf.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '5000',
    });
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: schemas.gateway, gateway: { tmpDir: join(dir, 'gateway-tmp'), ratingGate: false, ingestWaitMs: 20_000 } })] })
    class GatewayRoot {}
    const gateway = await boot('gateway', GatewayRoot, { LINEAGE_URL: lineage.url });
    client = new ContractClient(gateway.url);
    token = await loginAsAdmin(client);
    recorder = await recordKafkaTopics([Topic.LineageChanged]);
  }, 180_000);

  afterAll(async () => {
    await recorder?.stop();
    for (const service of services.reverse()) await service.close();
    services = [];
    await hf?.close();
    await dropSchemas(testInfra.databaseUrl, Object.values(schemas));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const register = async (repo: string) => {
    const res = await client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url: `https://huggingface.co/${repo}` } });
    expect(res.status, res.raw.toString()).toBe(201);
    return res.body.metadata.id;
  };
  const lineageChanges = (id: string) =>
    recorder.messages(Topic.LineageChanged).filter((m) => m.key === id).map((m) => (JSON.parse(m.value) as Envelope<LineageChangedV1>).payload);
  const lineageOf = (id: string) => client.call<SpecGraph>('GET', `/artifact/model/${id}/lineage`, { token });
  const costOf = async (id: string, dependency = true) => (await client.call<Cost>('GET', `/artifact/model/${id}/cost${dependency ? '?dependency=true' : ''}`, { token })).body;
  const edges = (graph: SpecGraph) => graph.edges.map((e) => `${e.from_node_artifact_id}>${e.to_node_artifact_id}:${e.relationship}`).sort();

  it('resolves a grandchild registered first as its parent and grandparent arrive, and answers lineage and cost', async () => {
    const onnx = await register(repos.onnx);
    await expectEventually(() => expect(lineageChanges(onnx).at(-1)?.pending).toEqual([{ upstreamId: repos.gender, relationship: 'quantized', source: 'model_card' }]), { timeoutMs: 30_000 });
    const gender = await register(repos.gender);
    const vit = await register(repos.vit);
    await expectEventually(() => expect(lineageChanges(onnx).at(-1)?.parents.map((p) => p.artifactId)).toEqual([gender]), { timeoutMs: 30_000 });
    await expectEventually(() => expect(lineageChanges(gender).at(-1)?.parents).toEqual([{ artifactId: vit, artifactType: 'model', name: 'vit-base-patch16-224', relationship: 'finetune', source: 'model_card' }]), {
      timeoutMs: 30_000,
    });

    const family = [`${gender}>${onnx}:quantized`, `${vit}>${gender}:finetune`].sort();
    for (const member of [onnx, gender, vit]) {
      const res = await lineageOf(member);
      expect(res.status).toBe(200);
      expect(res.body.nodes.map((n) => n.artifact_id).sort()).toEqual([onnx, gender, vit].sort());
      expect(res.body.nodes.find((n) => n.artifact_id === gender)).toMatchObject({ name: 'trained-gender' });
      expect(edges(res.body)).toEqual(family);
    }

    // Cost: each artifact of the closure once, in MB of the bytes the fake Hub served; the root's total is their sum.
    const bytes = (repo: string) => hf.filesOf(repo).reduce((n, f) => n + f.data.length, 0);
    const mb = (n: number) => Math.round((n / 1_000_000) * 1000) / 1000;
    const [onnxBytes, genderBytes, vitBytes] = [bytes(repos.onnx), bytes(repos.gender), bytes(repos.vit)];
    expect(await costOf(onnx, false)).toEqual({ [onnx]: { total_cost: mb(onnxBytes) } });
    expect(await costOf(onnx)).toEqual({
      [onnx]: { standalone_cost: mb(onnxBytes), total_cost: mb(onnxBytes + genderBytes + vitBytes) },
      [gender]: { standalone_cost: mb(genderBytes), total_cost: mb(genderBytes + vitBytes) },
      [vit]: { standalone_cost: mb(vitBytes), total_cost: mb(vitBytes) },
    });

    // The extension's full graph shows what is still missing: the datasets the base was trained on.
    const full = await client.call<{ pending: { upstream_id: string; to_node_artifact_id: string }[] }>('GET', `/artifacts/model/${onnx}/lineage?depth=2`, { token });
    expect(full.status).toBe(200);
    expect(full.body.pending).toEqual(expect.arrayContaining([expect.objectContaining({ upstream_id: 'imagenet-1k', to_node_artifact_id: vit })]));

    // A deleted parent leaves the family; the child's edge to it is pending again.
    expect((await client.call('DELETE', `/artifacts/model/${gender}`, { token })).status).toBe(200);
    await expectEventually(async () => expect((await lineageOf(onnx)).body).toEqual({ nodes: [expect.objectContaining({ artifact_id: onnx })], edges: [] }), { timeoutMs: 30_000 });
    expect(lineageChanges(onnx).at(-1)?.pending.map((p) => p.upstreamId)).toEqual([repos.gender]);
  }, 120_000);

  it('resnet-50 is its own lineage; an uploaded fine-tune is read from its files and hangs under it', async () => {
    const resnet = await register(repos.resnet);
    await expectEventually(async () => expect((await lineageOf(resnet)).body).toEqual({ nodes: [expect.objectContaining({ artifact_id: resnet, name: 'resnet-50', source: 'config_json' })], edges: [] }), {
      timeoutMs: 30_000,
    });
    const zip = await buildZip({ 'config.json': JSON.stringify({ _name_or_path: repos.resnet, model_type: 'resnet' }), 'model.safetensors': Buffer.alloc(2_000, 1) });
    const uploaded = await client.call<CreatedArtifact>('POST', `/artifact/model/package?name=resnet-birds-${run}`, { token, rawBody: zip, contentType: 'application/zip' });
    expect(uploaded.status, uploaded.raw.toString()).toBe(201);
    const tuned = uploaded.body.metadata.id;
    await expectEventually(async () => expect(edges((await lineageOf(tuned)).body)).toEqual([`${resnet}>${tuned}:base_model`]), { timeoutMs: 30_000 });
    const cost = await costOf(tuned);
    expect(Object.keys(cost).sort()).toEqual([tuned, resnet].sort());
  }, 120_000);
});
