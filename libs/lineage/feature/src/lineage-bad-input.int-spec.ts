import { ALL_TOPICS, dltTopicOf, type LineageChangedV1, type ManifestEntry, Query, Topic } from '@modelguard/contracts';
import { createTestSchemaName, deliverEvent, expectEventually, publishedEvents } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_BASE_UNCASED, storedPayload, TRAINED_GENDER } from '../test/lineage-fixtures';
import { type LineageTestApp, startLineageTestApp } from '../test/lineage-test-app';

const schema = createTestSchemaName('lineage_bad');
let app: LineageTestApp;
let seq = 0;
const newId = () => `lb-${Date.now().toString(36)}-${(seq += 1)}`;

/** Uploads a model package whose files are `files` (stored in the blob store, or given as bare manifest entries). */
async function upload(name: string, files: (ManifestEntry | Promise<ManifestEntry>)[]): Promise<string> {
  const id = newId();
  const manifest = await Promise.all(files);
  const payload = { artifactId: id, artifactType: 'model' as const, name, version: '1.0.0', url: `https://registry.test/artifacts/model/${id}`, files: manifest, totalBytes: manifest.reduce((n, f) => n + f.size, 0), metadata: {} };
  await deliverEvent(app.broker, Topic.PackageUploaded, payload, id);
  await app.broker.whenIdle();
  return id;
}

async function lineageChanged(id: string): Promise<LineageChangedV1> {
  return expectEventually(() => {
    const event = publishedEvents(app.broker, Topic.LineageChanged).find((e) => e.payload.artifactId === id);
    expect(event).toBeDefined();
    return event!.payload;
  });
}

const graphOf = async (id: string) => (await app.client.query(Query.ArtifactLineage, { id, scope: 'all' })).body;
const file = (path: string, content: string) => app.putFile(path, content);
const weights = () => file('model.safetensors', 'weights');

beforeAll(async () => {
  app = await startLineageTestApp({ schema });
});
afterAll(async () => app?.close());

describe('lineage on hostile metadata (real Postgres, fs blobs, in-process broker)', () => {
  it('reads an uploaded model from its files: config.json parents and the card front matter', async () => {
    const card = '---\nlicense: mit\nbase_model: acme/upload-base\nbase_model_relation: adapter\ndatasets:\n  - acme/corpus\n---\n# Uploaded\n';
    const id = await upload('uploaded', [file('config.json', JSON.stringify({ _name_or_path: 'acme/config-base', model_type: 'bert' })), file('README.md', card), weights()]);
    expect((await lineageChanged(id)).pending).toEqual([
      { upstreamId: 'acme/upload-base', relationship: 'adapter', source: 'model_card' },
      { upstreamId: 'acme/config-base', relationship: 'base_model', source: 'config_json' },
      { upstreamId: 'acme/corpus', relationship: 'fine_tuning_dataset', source: 'model_card' },
    ]);
    expect(await graphOf(id)).toMatchObject({ metadata_status: 'ok', problems: [] });
  });

  it('a config.json that is not JSON, and nothing else: unreadable, with the reason recorded', async () => {
    const id = await upload('not-json', [file('config.json', '{"_name_or_path": "acme/x",'), weights()]);
    await lineageChanged(id);
    expect(await graphOf(id)).toMatchObject({ metadata_status: 'unreadable', problems: [{ source: 'config_json', message: 'config.json is not valid JSON' }], nodes: [{ artifact_id: id }] });
  });

  it('a 100 MB config.json is not read at all; the card still gives the parent', async () => {
    // The manifest says 100 MB: the reader refuses on the size alone (this blob does not even exist).
    const huge = { path: 'config.json', size: 100_000_000, sha256: 'a'.repeat(64) };
    const id = await upload('huge-config', [huge, file('README.md', '---\nbase_model: acme/card-base\n---\n'), weights()]);
    expect((await lineageChanged(id)).pending).toEqual([{ upstreamId: 'acme/card-base', relationship: 'base_model', source: 'model_card' }]);
    expect(await graphOf(id)).toMatchObject({
      metadata_status: 'partial',
      problems: [{ source: 'config_json', message: 'config.json is 100000000 bytes, over the 524288-byte limit; not read' }],
    });
  });

  it('a config.json naming 10,000 parents keeps the contract bound, records the cut, and pending stays bounded', async () => {
    const parents = Array.from({ length: 10_000 }, (_, i) => `acme/parent-${i}`);
    const id = await upload('ten-thousand', [file('config.json', JSON.stringify({ base_model: parents })), weights()]);
    const event = await lineageChanged(id);
    expect(event.pending).toHaveLength(32);
    expect(event.pending[0]).toEqual({ upstreamId: 'acme/parent-0', relationship: 'base_model', source: 'config_json' });
    expect((await graphOf(id)).problems).toEqual([{ source: 'config_json', message: 'config.json base_model lists 10000 entries; the first 32 were kept' }]);
  });

  it('front matter that is not YAML is recorded; config.json still gives the parent', async () => {
    const id = await upload('bad-yaml', [file('config.json', '{"base_model_name_or_path": "acme/yaml-base"}'), file('README.md', '---\nbase_model: [unclosed\n  - : :\n---\n# x\n'), weights()]);
    expect((await lineageChanged(id)).pending).toEqual([{ upstreamId: 'acme/yaml-base', relationship: 'base_model', source: 'config_json' }]);
    const graph = await graphOf(id);
    expect(graph.metadata_status).toBe('partial');
    expect(graph.problems).toEqual([{ source: 'model_card', message: expect.stringMatching(/^the README front matter is not valid YAML: /) }]);
  });

  it('a parent id that is a URL to another host is refused; a huggingface.co URL is resolved', async () => {
    const bert = newId();
    await deliverEvent(app.broker, Topic.PackageStored, storedPayload(bert, BERT_BASE_UNCASED), bert, 'ingest');
    const config = { base_model: ['https://evil.example.com/google-bert/bert-base-uncased', 'https://huggingface.co/google-bert/bert-base-uncased'] };
    const id = await upload('url-parents', [file('config.json', JSON.stringify(config)), weights()]);
    expect((await lineageChanged(id)).parents).toEqual([{ artifactId: bert, artifactType: 'model', name: 'bert-base-uncased', relationship: 'base_model', source: 'config_json' }]);
    expect((await graphOf(id)).problems).toEqual([
      { source: 'config_json', message: expect.stringContaining('points to another host (evil.example.com), not to a Hugging Face repo') },
    ]);
  });

  it('a fetched package whose config.json did not parse (ingest says so) is unreadable; a metadata-only one too', async () => {
    const broken = newId();
    const metadata = { upstream: { repo: 'acme/broken', kind: 'model' as const }, config: { parseError: 'config.json is not valid JSON' }, card: {} };
    await deliverEvent(app.broker, Topic.PackageStored, storedPayload(broken, TRAINED_GENDER, { metadata }), broken, 'ingest');
    const kaggle = newId();
    await deliverEvent(app.broker, Topic.PackageStored, { ...storedPayload(kaggle, TRAINED_GENDER, { metadata: { note: 'kaggle.com is registered without content' } }), source: 'metadata-only', files: [], totalBytes: 0 }, kaggle, 'ingest');
    await app.broker.whenIdle();
    expect((await graphOf(broken)).metadata_status).toBe('unreadable');
    expect(await graphOf(kaggle)).toMatchObject({ metadata_status: 'unreadable', problems: [{ source: 'registration', message: expect.stringContaining('no package content') }] });
  });

  it('kept going through all of it: nothing was dead-lettered, and a good model is still read', async () => {
    const id = await upload('good-after-bad', [file('config.json', '{"_name_or_path": "acme/good-base"}'), weights()]);
    expect((await lineageChanged(id)).pending).toEqual([{ upstreamId: 'acme/good-base', relationship: 'base_model', source: 'config_json' }]);
    for (const topic of ALL_TOPICS) expect(app.broker.messages(dltTopicOf(topic)), topic).toEqual([]);
  });
});
