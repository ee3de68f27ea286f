import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedApp } from '@modelguard/embedded';
import { OpenApiContract } from '@modelguard/gateway-feature/testing';
import { type HfMirrorFixture, startHfMirrorFixture } from './support/hf-mirror-fixture';
import { RegistryClient } from './support/registry-client';

interface CreateAnswer {
  status: number;
  body: { metadata?: { id: string }; error?: string; failing_metrics?: Array<{ metric: string; value: number; threshold: number }> };
}

/**
 * The ingest gate end to end, as `npm start` runs it: the gateway, ingest and the real scoring service in one
 * process, ingesting from the fake Hugging Face (recorded cards and metadata). Well-documented popular models are
 * admitted (201) with a schema-valid rating; a fine-tune with the Trainer's auto-generated card is refused with
 * 424 naming each failing metric, and nothing of it stays in the registry.
 */
describe('ingest gate: Hugging Face models through the real scoring service', () => {
  const contract = new OpenApiContract();
  let f: HfMirrorFixture | undefined;
  let app: EmbeddedApp;
  let client: RegistryClient;

  beforeAll(async () => {
    f = await startHfMirrorFixture({ github: true, hfToken: false, env: { SCORING_POLL_MS: '100', GATEWAY_INGEST_WAIT_MS: '60000' } });
    app = f.app;
    client = new RegistryClient(app.url);
  }, 120_000);

  afterAll(async () => {
    await f?.close();
  });

  async function create(url: string): Promise<CreateAnswer> {
    const token = await client.login();
    const res = await fetch(`${app.url}/artifact/model`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authorization': token },
      body: JSON.stringify({ url }),
      signal: AbortSignal.timeout(90_000),
    });
    const body = (await res.json()) as CreateAnswer['body'];
    expect(contract.check('POST', '/artifact/model', res.status, res.headers.get('content-type'), body)).toEqual([]);
    return { status: res.status, body };
  }

  it.each(['google-bert/bert-base-uncased', 'openai/whisper-tiny', 'microsoft/resnet-50'])('admits %s with a rating that passes', { timeout: 120_000 }, async (repo) => {
    const res = await create(`https://huggingface.co/${repo}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rated = await client.rate(res.body.metadata!.id);
    expect(rated.status).toBe(200);
    expect(contract.check('GET', `/artifact/model/${res.body.metadata!.id}/rate`, rated.status, rated.contentType, rated.body)).toEqual([]);
    expect((rated.body as { net_score: number }).net_score).toBeGreaterThanOrEqual(0.5);
  });

  it('refuses a fine-tune whose card is the auto-generated template, naming each failing metric; nothing stays', { timeout: 120_000 }, async () => {
    const res = await create('https://huggingface.co/crangana/trained-gender');
    expect(res.status, JSON.stringify(res.body)).toBe(424);
    expect(res.body.error).toMatch(/disqualified rating/);
    const failing = res.body.failing_metrics ?? [];
    expect(failing.length).toBeGreaterThan(0);
    for (const f of failing) {
      expect(f.value).toBeLessThan(0.5);
      expect(res.body.error).toContain(f.metric);
    }
    const token = await client.login();
    const byName = await fetch(`${app.url}/artifact/byName/trained-gender`, { headers: { 'x-authorization': token } });
    expect(byName.status).toBe(404);
  });
});
