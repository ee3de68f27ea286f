import { modelInfo } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HfMirrorFixture, startHfMirrorFixture } from './support/hf-mirror-fixture';

/**
 * The rating gate through the HF mirror, with the real scoring service (as `npm start` runs it): a pull-through of
 * the fine-tune whose card is the Trainer's auto-generated template (refused at create, ingest-gate.e2e-spec.ts) is
 * refused to the Hub client with the reason, and the refusal is not served as "not found".
 */
describe('HF mirror: pull-through of a model the rating gate refuses', () => {
  let f: HfMirrorFixture;

  beforeAll(async () => {
    f = await startHfMirrorFixture({
      hub: { models: ['crangana/trained-gender'], datasets: [] },
      github: true,
      env: { SCORING_POLL_MS: '100', GATEWAY_HF_MIRROR_WAIT_MS: '90000' },
    });
  }, 420_000);

  afterAll(async () => {
    await f?.close();
  });

  it('answers 403 ModelGuardRatingRejected naming the failing metrics', { timeout: 180_000 }, async () => {
    const { app, accessToken } = f;
    const error = await modelInfo({ name: 'crangana/trained-gender', hubUrl: app.url, accessToken }).then(
      () => null,
      (e: unknown) => e as Error & { statusCode?: number },
    );
    expect(error?.statusCode).toBe(403);
    expect(error?.message).toMatch(/rating below the registry's threshold/);
    expect(error?.message).toMatch(/disqualified rating/);
    const raw = await fetch(`${app.url}/crangana/trained-gender/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-modelguard-error-code')).toBe('ModelGuardRatingRejected');
  });
});
