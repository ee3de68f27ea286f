import { Topic } from '@modelguard/contracts';
import { createEnvelope } from '@modelguard/messaging';
import { expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { deliver, ingestRequest, type IngestTestApp, published, startIngestTestApp, storedContent } from '../test/ingest-test-app';

let hf: FakeHuggingFace;
let gh: FakeGitHub;
let app: IngestTestApp;

const outcomeFor = (artifactId: string) =>
  expectEventually(
    () => {
      const stored = published(app.broker, Topic.PackageStoredV2).filter((e) => e.payload.artifactId === artifactId);
      const failed = published(app.broker, Topic.IngestFailed).filter((e) => e.payload.artifactId === artifactId);
      expect(stored.length + failed.length).toBeGreaterThan(0);
      return { stored, failed };
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );

async function rowOf(artifactId: string): Promise<{ status: string; attempts: number; error: string | null }> {
  const rows = await queryRows<{ status: string; attempts: number; error: string | null }>(
    testInfra.databaseUrl,
    `SELECT status, attempts, error FROM "${app.schema}"."ingestion" WHERE artifact_id = $1`,
    [artifactId],
  );
  return rows[0];
}

const sortByPath = <T extends { path: string }>(list: T[]): T[] => [...list].sort((a, b) => a.path.localeCompare(b.path));

beforeAll(async () => {
  hf = await startFakeHuggingFace();
  gh = await startFakeGitHub();
  app = await startIngestTestApp({ hfUrl: hf.url, githubUrl: gh.url });
});
afterAll(async () => {
  await app?.close();
  await hf?.close();
  await gh?.close();
});

describe('IngestModule (real Postgres, fs blobs, in-process broker, fake upstreams)', () => {
  it.each([
    ['https://huggingface.co/google-bert/bert-base-uncased', 'model', 'google-bert/bert-base-uncased'],
    ['https://huggingface.co/openai/whisper-tiny', 'model', 'openai/whisper-tiny'],
    ['https://huggingface.co/microsoft/resnet-50', 'model', 'microsoft/resnet-50'],
    ['https://huggingface.co/HuggingFaceTB/SmolLM-135M', 'model', 'HuggingFaceTB/SmolLM-135M'],
    ['https://huggingface.co/crangana/trained-gender', 'model', 'crangana/trained-gender'],
    ['https://huggingface.co/distilbert-base-uncased-distilled-squad', 'model', 'distilbert/distilbert-base-uncased-distilled-squad'],
    ['https://huggingface.co/datasets/rajpurkar/squad', 'dataset', 'rajpurkar/squad'],
  ] as const)('%s → PackageStored whose manifest digests equal the served bytes', async (url, type, repo) => {
    const request = ingestRequest(url, type);
    await deliver(app.broker, request);
    const { stored, failed } = await outcomeFor(request.payload.artifactId);
    expect(failed).toEqual([]);
    expect(stored).toHaveLength(1);
    const event = stored[0];
    expect(event.key).toBe(request.payload.artifactId);
    expect(event.causationId).toBe(request.eventId);
    expect(event.payload).toMatchObject({ source: 'huggingface', version: '1.0.0', url });
    const served = hf.filesOf(repo, type).map((f) => ({ path: f.path, size: f.data.length, sha256: f.sha256 }));
    const content = await storedContent(app.blobRoot, event.payload);
    expect(sortByPath(content.files)).toEqual(sortByPath(served));
    // The README travels as its own claim, never inline in the event.
    expect(event.payload.metadata.readme).toBeUndefined();
    const readme = hf.filesOf(repo, type).find((f) => f.path === 'README.md');
    if (readme) expect(content.metadata.readme).toBe(readme.data.toString('utf8').slice(0, content.metadata.readme?.length));
    expect(await rowOf(request.payload.artifactId)).toMatchObject({ status: 'stored', attempts: 1, error: null });
  });

  it.each(['google-research/bert', 'openai/whisper'])('github.com/%s → PackageStored with the repository files', async (repo) => {
    const request = ingestRequest(`https://github.com/${repo}`, 'code');
    await deliver(app.broker, request);
    const { stored } = await outcomeFor(request.payload.artifactId);
    const served = gh.filesOf(repo).map((f) => ({ path: f.path, size: f.data.length, sha256: f.sha256 }));
    expect(stored[0].payload.source).toBe('github');
    expect(sortByPath((await storedContent(app.blobRoot, stored[0].payload)).files)).toEqual(sortByPath(served));
  });

  it('registers other hosts metadata-only', async () => {
    const request = ingestRequest('https://www.kaggle.com/datasets/hliang001/flickr2k', 'dataset');
    await deliver(app.broker, request);
    const { stored } = await outcomeFor(request.payload.artifactId);
    expect(stored[0].payload).toMatchObject({ source: 'metadata-only', manifest: { entries: 0 }, totalBytes: 0 });
    expect((await storedContent(app.blobRoot, stored[0].payload)).files).toEqual([]);
  });

  it('skips a redelivered event (inbox) and does not re-download a version it already stored', async () => {
    const request = ingestRequest('https://huggingface.co/openai/whisper-tiny', 'model');
    await deliver(app.broker, request);
    await outcomeFor(request.payload.artifactId);
    await deliver(app.broker, request); // same eventId
    await app.broker.whenIdle();
    const downloadsBefore = hf.requests.filter((r) => r.path.includes('/resolve/')).length;
    const again = { ...ingestRequest(request.payload.url, 'model', request.payload.artifactId) };
    await deliver(app.broker, again); // new eventId, same artifact + version
    await expectEventually(() => {
      expect(published(app.broker, Topic.PackageStoredV2).filter((e) => e.payload.artifactId === request.payload.artifactId)).toHaveLength(2);
    });
    const events = published(app.broker, Topic.PackageStoredV2).filter((e) => e.payload.artifactId === request.payload.artifactId);
    expect(events.map((e) => e.causationId)).toEqual([request.eventId, again.eventId]);
    expect(events[1].payload.manifest).toEqual(events[0].payload.manifest);
    expect(hf.requests.filter((r) => r.path.includes('/resolve/')).length).toBe(downloadsBefore);
  });

  it('publishes IngestFailed (not retriable) for an upstream 404', async () => {
    const request = ingestRequest('https://huggingface.co/nobody/does-not-exist', 'model');
    await deliver(app.broker, request);
    const { failed, stored } = await outcomeFor(request.payload.artifactId);
    expect(stored).toEqual([]);
    expect(failed[0].payload).toMatchObject({ retriable: false, version: '1.0.0' });
    expect(failed[0].payload.reason).toMatch(/not found/);
    expect(await rowOf(request.payload.artifactId)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('retries an upstream 500 and succeeds on the next attempt', async () => {
    hf.inject({ match: '/api/models/microsoft/resnet-50', status: 500, times: 1 });
    const infoCalls = (): number => hf.requests.filter((r) => r.path === '/api/models/microsoft/resnet-50').length;
    const before = infoCalls();
    const request = ingestRequest('https://huggingface.co/microsoft/resnet-50', 'model');
    await deliver(app.broker, request);
    const { stored, failed } = await outcomeFor(request.payload.artifactId);
    expect(failed).toEqual([]);
    expect(stored).toHaveLength(1);
    expect(await rowOf(request.payload.artifactId)).toMatchObject({ status: 'stored', attempts: 2 });
    expect(infoCalls() - before).toBe(2);
  });

  it('publishes IngestFailed (retriable) after the final attempt when the upstream stays down', async () => {
    hf.inject({ match: '/api/models/HuggingFaceTB/SmolLM-135M', status: 503, times: 3 });
    const request = ingestRequest('https://huggingface.co/HuggingFaceTB/SmolLM-135M', 'model');
    await deliver(app.broker, request);
    const { failed } = await outcomeFor(request.payload.artifactId);
    expect(failed[0].payload).toMatchObject({ retriable: true });
    expect(failed[0].payload.reason).toMatch(/503/);
    expect(await rowOf(request.payload.artifactId)).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('refuses a redirect to a forbidden host (cloud metadata address)', async () => {
    hf.inject({ match: /crangana\/trained-gender\/resolve\/.*model\.safetensors/, action: 'redirect', location: 'http://169.254.169.254/latest/meta-data/' });
    const request = ingestRequest('https://huggingface.co/crangana/trained-gender', 'model');
    await deliver(app.broker, request);
    const { failed } = await outcomeFor(request.payload.artifactId);
    expect(failed[0].payload.retriable).toBe(false);
    expect(failed[0].payload.reason).toMatch(/forbidden-destination.*169\.254\.169\.254/);
  });

  it('aborts a file larger than the upstream listed and reports it', async () => {
    const big = hf.filesOf('google-bert/bert-base-uncased').find((f) => f.path === 'model.safetensors');
    hf.inject({
      match: /openai\/whisper-tiny\/resolve\/.*flax_model\.msgpack/,
      action: 'redirect',
      location: `/cdn-lfs/repos/${big?.sha256.slice(0, 2)}/${big?.sha256.slice(2, 4)}/${big?.sha256}`,
    });
    const request = ingestRequest('https://huggingface.co/openai/whisper-tiny', 'model');
    await deliver(app.broker, request);
    const { failed } = await outcomeFor(request.payload.artifactId);
    expect(failed[0].payload).toMatchObject({ retriable: false });
    expect(failed[0].payload.reason).toMatch(/too-large/);
  });

  it('refuses an unparseable URL', async () => {
    const request = ingestRequest('https://huggingface.co/api/models', 'model');
    await deliver(app.broker, request);
    const { failed } = await outcomeFor(request.payload.artifactId);
    expect(failed[0].payload.reason).toMatch(/invalid URL/);
  });

  it('forgets every outcome on RegistryReset', async () => {
    const reset = createEnvelope('gateway', Topic.RegistryReset, { actor: { name: 'admin', isAdmin: true }, resetAt: new Date().toISOString() }, { key: 'registry' });
    await deliver(app.broker, reset);
    await expectEventually(async () => {
      const rows = await queryRows<{ n: string }>(testInfra.databaseUrl, `SELECT count(*) AS n FROM "${app.schema}"."ingestion"`);
      expect(rows[0].n).toBe('0');
    });
  });
});
