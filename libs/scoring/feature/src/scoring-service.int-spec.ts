import { Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, published, putFile, redeliver, type ScoringTestApp, startScoringTestApp, storedPackage } from '../test/scoring-test-app';
import type { GithubEvidenceSource } from './worker/evidence-assembler';

const schema = createTestSchemaName('scoring_svc');
const EVIDENCE_TIMEOUT_MS = 500;
let app: ScoringTestApp;
let seq = 0;
const newId = (kind: string) => `sc-${kind}-${Date.now().toString(36)}-${(seq += 1)}`;

/** A GitHub upstream that never answers: the rating must still be produced, within the evidence timeout. */
const githubCalls: string[] = [];
const hangingGithub: GithubEvidenceSource = {
  collect: (repoUrl) => {
    githubCalls.push(repoUrl);
    return new Promise(() => undefined);
  },
};

async function ratingOf(artifactId: string) {
  return expectEventually(
    () => {
      const events = published(app.broker, Topic.RatingComputed).filter((e) => e.payload.artifactId === artifactId);
      expect(events).toHaveLength(1);
      return events[0];
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function linksOf(artifactId: string) {
  const rows = await queryRows<{ linked_code_id: string | null; linked_dataset_id: string | null }>(
    testInfra.databaseUrl,
    `SELECT linked_code_id, linked_dataset_id FROM "${schema}".model_rating WHERE artifact_id = $1`,
    [artifactId],
  );
  return rows[0];
}

async function store(kind: 'model' | 'code' | 'dataset', name: string, opts: Parameters<typeof storedPackage>[1] = {}) {
  const artifactId = newId(kind);
  const event = await deliver(app.broker, Topic.PackageStored, storedPackage({ artifactId, artifactType: kind, name }, opts), artifactId);
  return { artifactId, event };
}

beforeAll(async () => {
  app = await startScoringTestApp({ schema, github: hangingGithub, settings: { evidenceTimeoutMs: EVIDENCE_TIMEOUT_MS } });
});

afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('scoring service (real Postgres, in-process broker)', () => {
  it('links a model to the code its card mentions and the dataset its card names, and publishes a valid rating', async () => {
    const mentioned = await store('code', 'trainer', { url: 'https://github.com/acme-lab/trainer' });
    await store('code', 'unrelated-code', { url: 'https://github.com/other/unrelated' });
    const named = await store('dataset', 'corpus-x', { url: 'https://huggingface.co/datasets/acme-lab/corpus-x' });
    await store('dataset', 'unrelated-data', { url: 'https://huggingface.co/datasets/other/unrelated-data' });
    const readme = '# Model\nTrained with https://github.com/acme-lab/trainer on corpus-x.\n';
    const model = await store('model', 'linked-model', { metadata: { readme, datasets: ['acme-lab/corpus-x'], license: 'apache-2.0' } });

    const event = await ratingOf(model.artifactId);
    expect(event.payload).toMatchObject({ artifactType: 'model', name: 'linked-model', version: '1.0.0' });
    expect(event.payload.rating.name).toBe('linked-model');
    expect(event.causationId).toBe(model.event.eventId);
    expect(event.correlationId).toBe(model.event.correlationId);
    expect(await linksOf(model.artifactId)).toEqual({ linked_code_id: mentioned.artifactId, linked_dataset_id: named.artifactId });
    // The linked code is on GitHub, so its history was asked for; the hanging upstream cost a fallback, not the rating.
    expect(githubCalls).toContain('https://github.com/acme-lab/trainer');
  });

  it('falls back to the most recent code and dataset stored before the model', async () => {
    await store('code', 'older-code', { url: 'https://github.com/acme/older' });
    const code = await store('code', 'latest-code', { url: 'https://example.org/code.zip' });
    const dataset = await store('dataset', 'latest-data');
    const model = await store('model', 'plain-model', { metadata: { readme: '# Plain\nNo links here.' } });
    await ratingOf(model.artifactId);
    expect(await linksOf(model.artifactId)).toEqual({ linked_code_id: code.artifactId, linked_dataset_id: dataset.artifactId });
  });

  it("reads an upload's README from the blob store: its card links the model as a fetched card would", async () => {
    const named = await store('dataset', 'upload-corpus');
    const mentioned = await store('code', 'upload-trainer', { url: 'https://github.com/acme-lab/upload-trainer' });
    await store('code', 'newer-code', { url: 'https://github.com/other/newer' });
    await store('dataset', 'newer-data');
    const readme = '---\nlicense: mit\ndatasets:\n  - upload-corpus\n---\n# Uploaded\nCode: https://github.com/acme-lab/upload-trainer\n';
    const files = [await putFile(app.blobRoot, 'README.md', readme), await putFile(app.blobRoot, 'model.safetensors', Buffer.alloc(2048, 7))];
    const artifactId = newId('upload');
    const { source: _source, ...stored } = storedPackage({ artifactId, artifactType: 'model', name: 'uploaded-model' });
    await deliver(app.broker, Topic.PackageUploaded, { ...stored, url: `https://registry.test/artifacts/model/${artifactId}`, files, totalBytes: readme.length + 2048 }, artifactId);
    await ratingOf(artifactId);
    expect(await linksOf(artifactId)).toEqual({ linked_code_id: mentioned.artifactId, linked_dataset_id: named.artifactId });
  });

  it('rates each model version once, whatever the redeliveries; never rates code or datasets', async () => {
    const code = await store('code', 'only-code');
    const model = await store('model', 'redelivered-model');
    const uploaded = (version: string) => {
      const { source: _source, ...payload } = storedPackage({ artifactId: model.artifactId, artifactType: 'model', name: 'redelivered-model' }, { version });
      return payload;
    };
    await redeliver(app.broker, model.event);
    // The same version announced again by another event (an upload event for it) is no new rating either.
    await deliver(app.broker, Topic.PackageUploaded, uploaded('1.0.0'), model.artifactId);
    await ratingOf(model.artifactId);
    await app.broker.whenIdle();
    const ratingsOf = (id: string) => published(app.broker, Topic.RatingComputed).filter((e) => e.payload.artifactId === id);
    expect(ratingsOf(model.artifactId)).toHaveLength(1);
    expect(ratingsOf(code.artifactId)).toHaveLength(0);
    await deliver(app.broker, Topic.PackageUploaded, uploaded('1.0.1'), model.artifactId);
    await expectEventually(() => expect(ratingsOf(model.artifactId).map((e) => e.payload.version)).toEqual(['1.0.0', '1.0.1']), { timeoutMs: 20_000 });
  });

  it('forgets a deleted artifact: it is linked no more', async () => {
    const kept = await store('code', 'kept-code');
    const deleted = await store('code', 'deleted-code');
    await deliver(app.broker, Topic.ArtifactDeleted, { artifactId: deleted.artifactId, artifactType: 'code', name: 'deleted-code', actor: { name: 'admin', isAdmin: true } }, deleted.artifactId);
    await app.broker.whenIdle();
    const model = await store('model', 'after-delete');
    await ratingOf(model.artifactId);
    expect((await linksOf(model.artifactId))?.linked_code_id).toBe(kept.artifactId);
  });

  it('drops its whole read state on RegistryReset', async () => {
    await deliver(app.broker, Topic.RegistryReset, { actor: { name: 'admin', isAdmin: true }, resetAt: new Date().toISOString() }, 'registry');
    await app.broker.whenIdle();
    for (const table of ['scored_artifact', 'rating_job', 'model_rating']) {
      const [row] = await queryRows<{ n: string }>(testInfra.databaseUrl, `SELECT count(*)::text AS n FROM "${schema}".${table}`);
      expect(row?.n, table).toBe('0');
    }
    // Nothing stored before the reset is linked afterwards.
    const model = await store('model', 'after-reset');
    await ratingOf(model.artifactId);
    expect(await linksOf(model.artifactId)).toEqual({ linked_code_id: null, linked_dataset_id: null });
  });
});
