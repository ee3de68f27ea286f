import { Topic, type RatingComputedV1 } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactEntity } from './persistence/artifact.entity';
import { ArtifactVersionEntity } from './persistence/artifact-version.entity';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { sampleRatingComputed } from '../test/rating-fixtures';

const PASSED: RatingComputedV1['gate'] = { passed: true, failures: [], exempt: ['reviewedness', 'tree_score'] };
const FAILED: RatingComputedV1['gate'] = {
  passed: false,
  failures: [
    { metric: 'license', value: 0, threshold: 0.5 },
    { metric: 'net_score', value: 0.31, threshold: 0.5 },
  ],
  exempt: ['reviewedness'],
};

/**
 * The ingest gate as the gateway applies it: Hugging Face models wait for their rating's verdict (published here as
 * the scoring service would, through the real outbox → broker → handler path), a refused create answers 424 naming
 * each failing metric and leaves nothing behind, a late refusal (after a 202) marks the version rejected and not
 * downloadable, and a refused update keeps the previous version.
 */
describe('gateway ingest gate (424)', () => {
  let app: GatewayTestApp;
  let quick: GatewayTestApp;
  let token: string;

  beforeAll(async () => {
    app = await startGatewayTestApp({ gateway: { ratingGate: true, ingestWaitMs: 15_000 } });
    quick = await startGatewayTestApp({ gateway: { ratingGate: true, ingestWaitMs: 300 } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    await quick?.close();
  });

  /** Rates the version of `url` as scoring would, once the fake ingest has stored it. */
  async function rateWhenStored(target: GatewayTestApp, url: string, version: string, gate: RatingComputedV1['gate'], score = 0.8): Promise<string> {
    let id = '';
    await expectEventually(async () => {
      const artifact = await target.dataSource.getRepository(ArtifactEntity).findOneBy({ url });
      expect(artifact).not.toBeNull();
      id = artifact!.id;
      const row = await target.dataSource.getRepository(ArtifactVersionEntity).findOneBy({ artifactId: id, version });
      expect(row?.ratingState).toBe('pending');
    });
    const name = (await target.dataSource.getRepository(ArtifactEntity).findOneByOrFail({ id })).name;
    await target.publish(Topic.RatingComputed, sampleRatingComputed({ artifactId: id, name }, version, { score, gate }), id);
    return id;
  }

  it('admits a Hugging Face model whose rating passes: 201 only once the verdict is in', async () => {
    const url = 'https://huggingface.co/acme/trusted-model';
    const created = app.client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    await rateWhenStored(app, url, '1.0.0', PASSED);
    const res = await created;
    expect(res.status, res.raw.toString()).toBe(201);
    const versions = await app.client.call<Array<{ rating_state: string }>>('GET', `/artifacts/model/${res.body.metadata.id}/versions`, { token });
    expect(versions.body[0]?.rating_state).toBe('passed');
  });

  it('refuses a model whose rating fails with 424 naming each failing metric, and keeps nothing of it', async () => {
    const url = 'https://huggingface.co/acme/junk-card-model';
    const created = app.client.call<{ error: string; failing_metrics: unknown[] }>('POST', '/artifact/model', { token, json: { url } });
    const id = await rateWhenStored(app, url, '1.0.0', FAILED, 0.31);
    const res = await created;
    expect(res.status).toBe(424);
    expect(res.body.error).toMatch(/license 0\.00 < 0\.5.*net_score 0\.31 < 0\.5/);
    expect(res.body.failing_metrics).toEqual(FAILED!.failures);
    expect((await app.client.call('GET', `/artifacts/model/${id}`, { token })).status).toBe(404);
    expect((await app.client.call('GET', `/artifact/model/${id}/rate`, { token })).status).toBe(404);
    const byName = await app.client.call('GET', '/artifact/byName/junk-card-model', { token });
    expect(byName.status).toBe(404);
    // The same URL can be tried again: nothing of the refused one holds its place.
    expect(await app.dataSource.getRepository(ArtifactEntity).countBy({ url })).toBe(0);
  });

  it('does not gate uploads, code or datasets, nor models from other sources', async () => {
    const res = await app.client.call('POST', '/artifact/code', { token, json: { url: 'https://github.com/acme/tools' } });
    expect(res.status).toBe(201);
  });

  it('after a 202, a model that then fails is marked rejected, with its reason, and is not downloadable', async () => {
    const qtoken = await loginAsAdmin(quick.client);
    const url = 'https://huggingface.co/acme/late-junk-model';
    const res = await quick.client.call<CreatedArtifact>('POST', '/artifact/model', { token: qtoken, json: { url } });
    expect(res.status).toBe(202);
    const id = res.body.metadata.id;
    await expectEventually(async () => {
      const row = await quick.dataSource.getRepository(ArtifactVersionEntity).findOneBy({ artifactId: id, version: '1.0.0' });
      expect(row?.ratingState).toBe('pending');
    });
    const pending = await quick.client.call('GET', `/artifacts/model/${id}/download`, { token: qtoken });
    expect(pending.status).toBe(409);
    expect((await quick.client.call('GET', `/artifact/model/${id}/rate`, { token: qtoken })).status).toBe(404);

    await quick.publish(Topic.RatingComputed, sampleRatingComputed({ artifactId: id, name: res.body.metadata.name }, '1.0.0', { score: 0.31, gate: FAILED }), id);
    const versions = await quick.client.call<Array<{ rating_state: string; rating_reason: string }>>('GET', `/artifacts/model/${id}/versions`, { token: qtoken });
    expect(versions.body[0]).toMatchObject({ rating_state: 'rejected', rating_reason: expect.stringMatching(/license 0\.00 < 0\.5/) });
    const refused = await quick.client.call<{ error: string }>('GET', `/artifacts/model/${id}/download`, { token: qtoken });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/rejected by the ingest gate/);
    // The rating itself stays readable: it is why the model was refused.
    expect((await quick.client.call('GET', `/artifact/model/${id}/rate`, { token: qtoken })).status).toBe(200);
  });

  it('a refused update answers 400 with the failing metrics and keeps the previous version current', async () => {
    const url = 'https://huggingface.co/acme/updated-model';
    const created = app.client.call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    await rateWhenStored(app, url, '1.0.0', PASSED);
    const first = (await created).body;
    const v2 = 'https://huggingface.co/acme/updated-model-v2';
    const put = app.client.call<{ failing_metrics: unknown[] }>('PUT', `/artifacts/model/${first.metadata.id}`, {
      token,
      json: { metadata: { name: first.metadata.name, id: first.metadata.id, type: 'model' }, data: { url: v2 } },
    });
    await rateWhenStored(app, v2, '1.0.1', FAILED, 0.31);
    const res = await put;
    expect(res.status).toBe(400);
    expect(res.body.failing_metrics).toEqual(FAILED!.failures);
    const current = await app.client.call<CreatedArtifact>('GET', `/artifacts/model/${first.metadata.id}`, { token });
    expect(current.body.data.url).toBe(url);
    const rejected = await app.dataSource.getRepository(ArtifactVersionEntity).findOneByOrFail({ artifactId: first.metadata.id, version: '1.0.1' });
    expect(rejected.ratingState).toBe('rejected');
  });
});
