import { Topic } from '@modelguard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRatingEntity } from './persistence/model-rating.entity';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { sampleRatingComputed } from '../test/rating-fixtures';

/**
 * The rating read model: `/rate` answers from the RatingComputed events the scoring service publishes (simulated
 * here through the real outbox → broker → handler path), never computing anything itself; every response is
 * contract-checked against the spec's ModelRating by the ContractClient.
 */
describe('gateway /rate read model', () => {
  let app: GatewayTestApp;
  let token: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);

  beforeAll(async () => {
    app = await startGatewayTestApp();
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  const createModel = async (url: string) => {
    const res = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    expect(res.status, res.raw.toString()).toBe(201);
    return { artifactId: res.body.metadata.id, name: res.body.metadata.name };
  };

  it('answers 404 until a rating exists, then every ModelRating field of the latest stored version', async () => {
    const ref = await createModel('https://huggingface.co/acme/rated');
    expect((await call('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).status).toBe(404);
    expect((await call('GET', '/artifact/model/unknown/rate', { token })).status).toBe(404);
    expect((await call('GET', `/artifact/model/${ref.artifactId}/rate`)).status).toBe(403);

    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.8 }), ref.artifactId);
    const rated = await call<Record<string, unknown>>('GET', `/artifact/model/${ref.artifactId}/rate`, { token });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ name: ref.name, net_score: 0.8, reviewedness: -1, size_score: { raspberry_pi: 0.8, aws_server: 0.8 } });
  });

  it('keeps the newest rating of a version: an older one arriving late does not replace it', async () => {
    const ref = await createModel('https://huggingface.co/acme/rerated');
    const now = Date.now();
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.6, computedAt: new Date(now) }), ref.artifactId);
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.3, computedAt: new Date(now - 60_000) }), ref.artifactId);
    expect((await call<{ net_score: number }>('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).body.net_score).toBe(0.6);
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.9, computedAt: new Date(now + 1_000) }), ref.artifactId);
    expect((await call<{ net_score: number }>('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).body.net_score).toBe(0.9);
  });

  it('answers for the latest stored version only: a new version is 404 until it is rated', async () => {
    const ref = await createModel('https://huggingface.co/acme/updated-rating');
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0', { score: 0.7 }), ref.artifactId);
    const put = await call('PUT', `/artifacts/model/${ref.artifactId}`, {
      token,
      json: { metadata: { name: ref.name, id: ref.artifactId, type: 'model' }, data: { url: 'https://huggingface.co/acme/updated-rating-v2' } },
    });
    expect(put.status, put.raw.toString()).toBe(200);
    expect((await call('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).status).toBe(404);
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.1', { score: 0.65 }), ref.artifactId);
    expect((await call<{ net_score: number }>('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).body.net_score).toBe(0.65);
  });

  it('ignores ratings of unknown versions, and drops ratings with their artifact (delete, reset)', async () => {
    const ref = await createModel('https://huggingface.co/acme/forgotten');
    await app.publish(Topic.RatingComputed, sampleRatingComputed({ artifactId: 'no-such-artifact', name: 'ghost' }, '1.0.0'), 'no-such-artifact');
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '9.9.9'), ref.artifactId);
    expect((await call('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).status).toBe(404);
    await app.publish(Topic.RatingComputed, sampleRatingComputed(ref, '1.0.0'), ref.artifactId);
    expect((await call('GET', `/artifact/model/${ref.artifactId}/rate`, { token })).status).toBe(200);
    expect((await call('DELETE', `/artifacts/model/${ref.artifactId}`, { token })).status).toBe(200);
    expect(await app.dataSource.getRepository(ModelRatingEntity).countBy({ artifactId: ref.artifactId })).toBe(0);
    expect((await call('DELETE', '/reset', { token })).status).toBe(200);
    expect(await app.dataSource.getRepository(ModelRatingEntity).count()).toBe(0);
  });
});
