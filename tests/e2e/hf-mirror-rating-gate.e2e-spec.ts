import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelInfo } from '@huggingface/hub';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './support/registry-client';

/**
 * The rating gate through the HF mirror, with the real scoring service (as `npm start` runs it): a pull-through of
 * the fine-tune whose card is the Trainer's auto-generated template (refused at create, ingest-gate.e2e-spec.ts) is
 * refused to the Hub client with the reason, and the refusal is not served as "not found".
 */
describe('HF mirror: pull-through of a model the rating gate refuses', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-hf-gate-'));
  let hf: FakeHuggingFace;
  let gh: FakeGitHub;
  let app: EmbeddedApp;
  let accessToken: string;

  beforeAll(async () => {
    hf = await startFakeHuggingFace({ models: ['crangana/trained-gender'], datasets: [] });
    gh = await startFakeGitHub();
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      HF_ENDPOINT: hf.url,
      GITHUB_API_URL: gh.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      SCORING_POLL_MS: '100',
      GATEWAY_HF_MIRROR_WAIT_MS: '90000',
    };
    app = await startEmbedded({ env, httpPort: 0 });
    const admin = await new RegistryClient(app.url).login();
    const minted = await fetch(`${app.url}/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, { method: 'POST', headers: { 'x-authorization': admin } });
    accessToken = ((await minted.json()) as { token: string }).token;
  }, 420_000);

  afterAll(async () => {
    await app?.close();
    await hf?.close();
    await gh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 403 ModelGuardRatingRejected naming the failing metrics', { timeout: 180_000 }, async () => {
    const error = await modelInfo({ name: 'crangana/trained-gender', hubUrl: app.url, accessToken }).then(
      () => null,
      (e: unknown) => e as Error & { statusCode?: number },
    );
    expect(error?.statusCode).toBe(403);
    expect(error?.message).toMatch(/rating below the registry's threshold/);
    expect(error?.message).toMatch(/disqualified rating/);
    const raw = await fetch(`${app.url}/crangana/trained-gender/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-error-code')).toBe('ModelGuardRatingRejected');
  });
});
