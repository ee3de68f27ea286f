import { type Envelope, type LineageChangedV1, type PackageStoredV1, Query, Topic } from '@modelguard/contracts';
import { createTestSchemaName, deliverEvent, expectEventually, publishedEvents, queryRows, redeliverEvent, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BERT_BASE_UNCASED,
  BERT_IMDB_FINETUNE,
  bytesOf,
  IMAGENET_1K,
  OPT_350M,
  OPT_LORA_ADAPTER,
  RESNET_50,
  type StoredFixture,
  storedPayload,
  TRAINED_GENDER,
  TRAINED_GENDER_ONNX,
  VIT_BASE,
} from '../test/lineage-fixtures';
import { type LineageTestApp, startLineageTestApp } from '../test/lineage-test-app';

const schema = createTestSchemaName('lineage_graph');
let app: LineageTestApp;
let seq = 0;
const newId = () => `ln-${Date.now().toString(36)}-${(seq += 1)}`;
const admin = { name: 'admin', isAdmin: true };

async function store(fixture: StoredFixture, overrides: Partial<PackageStoredV1> = {}, id = newId()): Promise<{ id: string; event: Envelope<PackageStoredV1> }> {
  const event = await deliverEvent(app.broker, Topic.PackageStored, storedPayload(id, fixture, overrides), id, 'ingest');
  await app.broker.whenIdle();
  return { id, event };
}

/** A model fixture of its own, named `acme/<name>`, whose card names `bases` (and `datasets`). */
function acmeModel(name: string, bases: string[], datasets: string[] = []): StoredFixture {
  return {
    repo: `acme/${name}`,
    metadata: { upstream: { repo: `acme/${name}`, kind: 'model' }, config: { model_type: 'bert' }, card: { base_model: bases, datasets }, datasets },
    files: [{ path: 'model.safetensors', size: 1_000_000 + name.length }],
  };
}

const changesOf = (id: string): Envelope<LineageChangedV1>[] => publishedEvents(app.broker, Topic.LineageChanged).filter((e) => e.payload.artifactId === id);

/** Waits until `id` has had `count` LineageChanged events and returns the last. */
async function changed(id: string, count: number): Promise<Envelope<LineageChangedV1>> {
  return expectEventually(
    () => {
      const events = changesOf(id);
      expect(events).toHaveLength(count);
      return events[count - 1]!;
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
}

const graphOf = async (id: string, scope: 'models' | 'all' = 'models', depth?: number) => (await app.client.query(Query.ArtifactLineage, { id, scope, depth })).body;
const costOf = async (id: string) => (await app.client.query(Query.ArtifactCost, { id })).body;
const edgesOf = (graph: Awaited<ReturnType<typeof graphOf>>) => graph.edges.map((e) => `${e.from_node_artifact_id}>${e.to_node_artifact_id}:${e.relationship}:${e.source}`).sort();

beforeAll(async () => {
  app = await startLineageTestApp({ schema });
});
afterAll(async () => app?.close());
// Each case starts from an empty registry, so the registration-order link fallback sees only its own artifacts.
beforeEach(async () => {
  await deliverEvent(app.broker, Topic.RegistryReset, { actor: admin, resetAt: new Date().toISOString() }, 'registry');
  await app.broker.whenIdle();
});

describe('lineage graph (real Postgres, in-process broker)', () => {
  it('resnet-50 has no parent model: its lineage is itself; its dataset, once registered, is a dependency', async () => {
    const resnet = await store(RESNET_50);
    const first = await changed(resnet.id, 1);
    expect(first.payload).toMatchObject({ artifactType: 'model', name: 'resnet-50', version: '1.0.0', parents: [], pendingTruncated: false });
    expect(first.payload.pending).toEqual([{ upstreamId: 'imagenet-1k', relationship: 'fine_tuning_dataset', source: 'model_card' }]);
    expect(first.causationId).toBe(resnet.event.eventId);
    expect(first.key).toBe(resnet.id);

    const imagenet = await store(IMAGENET_1K);
    expect((await changed(resnet.id, 2)).payload.parents).toEqual([
      { artifactId: imagenet.id, artifactType: 'dataset', name: 'imagenet-1k', relationship: 'fine_tuning_dataset', source: 'model_card' },
    ]);
    const models = await graphOf(resnet.id);
    expect(models).toMatchObject({ metadata_status: 'ok', problems: [], edges: [], pending: [], truncated: false });
    expect(models.nodes).toEqual([
      { artifact_id: resnet.id, artifact_type: 'model', name: 'resnet-50', source: 'config_json', version: '1.0.0', metadata: expect.objectContaining({ repository_url: 'https://huggingface.co/microsoft/resnet-50' }) },
    ]);
    expect(edgesOf(await graphOf(resnet.id, 'all'))).toEqual([`${imagenet.id}>${resnet.id}:fine_tuning_dataset:model_card`]);
    const cost = await costOf(resnet.id);
    expect(cost.artifacts.map((a) => [a.artifact_id, a.standalone_bytes, a.total_bytes])).toEqual([
      [resnet.id, bytesOf(RESNET_50), bytesOf(RESNET_50) + bytesOf(IMAGENET_1K)],
      [imagenet.id, bytesOf(IMAGENET_1K), bytesOf(IMAGENET_1K)],
    ]);
  });

  it('a fine-tune of bert-base-uncased: the legacy id in its config.json finds google-bert/bert-base-uncased', async () => {
    const bert = await store(BERT_BASE_UNCASED);
    const tuned = await store(BERT_IMDB_FINETUNE);
    expect((await changed(tuned.id, 1)).payload.parents).toEqual([
      { artifactId: bert.id, artifactType: 'model', name: 'bert-base-uncased', relationship: 'base_model', source: 'config_json' },
    ]);
    const graph = await graphOf(tuned.id);
    expect(graph.nodes.map((n) => [n.artifact_id, n.source])).toEqual([
      [tuned.id, 'config_json'],
      [bert.id, 'config_json'],
    ]);
    expect(edgesOf(graph)).toEqual([`${bert.id}>${tuned.id}:base_model:config_json`]);
  });

  it('an adapter hangs under its base through adapter_config.json', async () => {
    const opt = await store(OPT_350M);
    const lora = await store(OPT_LORA_ADAPTER);
    expect((await changed(lora.id, 1)).payload.parents).toEqual([{ artifactId: opt.id, artifactType: 'model', name: 'opt-350m', relationship: 'adapter', source: 'adapter_config' }]);
    // The base's own _name_or_path names itself: recorded, no edge.
    expect((await graphOf(opt.id)).problems).toEqual([{ source: 'config_json', message: 'names the model itself (facebook/opt-350m); ignored' }]);
  });

  it('a grandchild stored first: its pending parents resolve as they arrive (grandparent last), each change published', async () => {
    const onnx = await store(TRAINED_GENDER_ONNX);
    expect((await changed(onnx.id, 1)).payload).toMatchObject({ parents: [], pending: [{ upstreamId: 'crangana/trained-gender', relationship: 'quantized', source: 'model_card' }] });

    const gender = await store(TRAINED_GENDER);
    const resolved = await changed(onnx.id, 2);
    expect(resolved.payload).toMatchObject({ parents: [{ artifactId: gender.id, relationship: 'quantized', source: 'model_card' }], pending: [] });
    // Caused by the parent's arrival, keyed by the child.
    expect(resolved.causationId).toBe(gender.event.eventId);
    expect(resolved.key).toBe(onnx.id);
    expect((await changed(gender.id, 1)).payload.pending).toEqual([{ upstreamId: 'google/vit-base-patch16-224', relationship: 'finetune', source: 'model_card' }]);

    const vit = await store(VIT_BASE);
    expect((await changed(gender.id, 2)).payload.parents).toMatchObject([{ artifactId: vit.id, relationship: 'finetune' }]);
    const family = [`${gender.id}>${onnx.id}:quantized:model_card`, `${vit.id}>${gender.id}:finetune:model_card`].sort();
    for (const member of [onnx.id, gender.id, vit.id]) {
      const graph = await graphOf(member);
      expect(graph.nodes.map((n) => n.artifact_id).sort(), member).toEqual([onnx.id, gender.id, vit.id].sort());
      expect(edgesOf(graph)).toEqual(family);
      expect(graph.nodes[0]?.artifact_id).toBe(member);
    }
    // Depth bounds the full graph, and says so.
    const near = await graphOf(onnx.id, 'all', 1);
    expect(near.nodes.map((n) => n.artifact_id)).toEqual([onnx.id, gender.id]);
    expect(near.truncated).toBe(true);
    const total = bytesOf(TRAINED_GENDER_ONNX) + bytesOf(TRAINED_GENDER) + bytesOf(VIT_BASE);
    expect((await costOf(onnx.id)).artifacts.map((a) => a.total_bytes)).toEqual([total, bytesOf(TRAINED_GENDER) + bytesOf(VIT_BASE), bytesOf(VIT_BASE)]);

    // A deleted parent: the child's edge to it is pending again, and published so.
    await deliverEvent(app.broker, Topic.ArtifactDeleted, { artifactId: gender.id, artifactType: 'model', name: 'trained-gender', actor: admin }, gender.id);
    await app.broker.whenIdle();
    expect((await changed(onnx.id, 3)).payload).toMatchObject({ parents: [], pending: [{ upstreamId: 'crangana/trained-gender' }] });
    expect((await graphOf(vit.id)).nodes.map((n) => n.artifact_id)).toEqual([vit.id]);
  });

  it('a cycle attempt cannot enter the graph: the edge that would close it is rejected with the reason', async () => {
    const a = await store(acmeModel('model-a', ['acme/model-b']));
    const b = await store(acmeModel('model-b', ['acme/model-a']));
    expect((await changed(b.id, 1)).payload.parents).toMatchObject([{ artifactId: a.id }]);
    // A's pending reference to B was re-examined when B arrived: B already descends from A.
    expect(changesOf(a.id)).toHaveLength(1);
    const graph = await graphOf(a.id);
    expect(edgesOf(graph)).toEqual([`${a.id}>${b.id}:base_model:model_card`]);
    expect(graph.problems).toEqual([{ source: 'model_card', message: expect.stringMatching(/^acme\/model-b: would close a cycle: model-b \(.+\) already descends from this model$/) }]);
    // A longer loop: C descends from B; a new version of A naming C as its parent is refused the same way.
    const c = await store(acmeModel('model-c', ['acme/model-b']));
    expect((await changed(c.id, 1)).payload.parents).toMatchObject([{ artifactId: b.id }]);
    await store(acmeModel('model-a', ['acme/model-c']), { version: '1.0.1' }, a.id);
    expect((await changed(a.id, 2)).payload).toMatchObject({ version: '1.0.1', parents: [], pending: [] });
    expect((await graphOf(a.id)).problems).toEqual([{ source: 'model_card', message: expect.stringContaining('acme/model-c: would close a cycle') }]);
    expect(edgesOf(await graphOf(c.id))).toEqual([`${a.id}>${b.id}:base_model:model_card`, `${b.id}>${c.id}:base_model:model_card`].sort());
  });

  it('costs a diamond once per artifact: a dataset reached by two paths counts once', async () => {
    const imagenet = await store(IMAGENET_1K);
    const left = await store(acmeModel('left', [], ['ILSVRC/imagenet-1k']));
    const right = await store(acmeModel('right', [], ['imagenet-1k']));
    const merged = await store({ ...acmeModel('merged', ['acme/left', 'acme/right']), metadata: { ...acmeModel('merged', ['acme/left', 'acme/right']).metadata, card: { base_model: ['acme/left', 'acme/right'], base_model_relation: 'merge' } } });
    expect((await changed(merged.id, 1)).payload.parents.map((p) => [p.artifactId, p.relationship, p.source])).toEqual([
      [left.id, 'merge', 'model_card'],
      [right.id, 'merge', 'model_card'],
      // It names no dataset: the one registered before it is its dataset (the registration link rule).
      [imagenet.id, 'fine_tuning_dataset', 'registration'],
    ]);
    const cost = await costOf(merged.id);
    expect(cost.artifacts.map((a) => a.artifact_id).sort()).toEqual([merged.id, left.id, right.id, imagenet.id].sort());
    const size = (id: string) => cost.artifacts.find((a) => a.artifact_id === id)!.standalone_bytes;
    expect(cost.artifacts[0]).toMatchObject({ artifact_id: merged.id, total_bytes: size(merged.id) + size(left.id) + size(right.id) + size(imagenet.id) });
    expect(cost.artifacts.find((a) => a.artifact_id === left.id)?.total_bytes).toBe(size(left.id) + size(imagenet.id));
    expect(cost.truncated).toBe(false);
  });

  it('links a model to the code its card mentions, also when the code is registered after it', async () => {
    const readme = '# Model\nTrained with https://github.com/acme-lab/trainer\n';
    const model = await store({ ...acmeModel('coded', []), metadata: { ...acmeModel('coded', []).metadata, readme } });
    expect((await changed(model.id, 1)).payload.parents).toEqual([]);
    const code = await store({ repo: 'acme-lab/trainer', metadata: {}, files: [{ path: 'train.py', size: 4_000 }] }, { artifactType: 'code', url: 'https://github.com/acme-lab/trainer', source: 'github' });
    expect((await changed(model.id, 2)).payload.parents).toEqual([{ artifactId: code.id, artifactType: 'code', name: 'trainer', relationship: 'code', source: 'registration' }]);
  });

  it('absorbs redeliveries: the same event twice, or the same version under a new event id, publish nothing new', async () => {
    const resnet = await store(RESNET_50);
    await changed(resnet.id, 1);
    await redeliverEvent(app.broker, resnet.event);
    await deliverEvent(app.broker, Topic.PackageStored, resnet.event.payload, resnet.id, 'ingest');
    await app.broker.whenIdle();
    await new Promise((r) => setTimeout(r, 300));
    expect(changesOf(resnet.id)).toHaveLength(1);
    // A new version is news, even with the same parents.
    await deliverEvent(app.broker, Topic.PackageStored, { ...resnet.event.payload, version: '1.0.1' }, resnet.id, 'ingest');
    expect((await changed(resnet.id, 2)).payload.version).toBe('1.0.1');
  });

  it('drops the whole graph on RegistryReset; an unknown artifact is a 404 of the query', async () => {
    const resnet = await store(RESNET_50);
    await deliverEvent(app.broker, Topic.RegistryReset, { actor: admin, resetAt: new Date().toISOString() }, 'registry');
    await app.broker.whenIdle();
    for (const table of ['lineage_artifact', 'lineage_parent_ref', 'lineage_edge']) {
      const [row] = await queryRows<{ n: string }>(testInfra.databaseUrl, `SELECT count(*)::text AS n FROM "${schema}".${table}`);
      expect(row?.n, table).toBe('0');
    }
    await expect(app.client.query(Query.ArtifactLineage, { id: resnet.id })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(app.client.query(Query.ArtifactCost, { id: resnet.id })).rejects.toMatchObject({ kind: 'not-found' });
  });
});
