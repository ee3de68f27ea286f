import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, type FakeLlm, startFakeLlm, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, published, type ScoringTestApp, startScoringTestApp, storedPackage } from '../../test/scoring-test-app';
import type { GithubEvidenceSource } from '../worker/evidence-assembler';

/**
 * The scoring service configured with LLM_* (real Postgres, in-process broker): ratings read the card through the
 * OpenAI-compatible endpoint, and a failing or silent endpoint still yields every rating, from the rules.
 */

const schema = createTestSchemaName('scoring_llm');
const LLM_TIMEOUT_MS = 1_000;
const whisperCard = readFileSync(join(__dirname, '../../../../../tests/fixtures/upstreams/huggingface/models/openai__whisper-tiny/README.md'), 'utf8');
/** GitHub is not under test here: it has nothing for anyone. */
const noGithub: GithubEvidenceSource = { collect: () => Promise.resolve({ unavailable: 'not-found', reason: 'not under test' }) };

let llm: FakeLlm;
let app: ScoringTestApp;
let seq = 0;

async function rate(name: string) {
  const artifactId = `llm-${Date.now().toString(36)}-${(seq += 1)}`;
  const payload = storedPackage({ artifactId, artifactType: 'model', name }, { metadata: { readme: whisperCard, upstream: { repo: 'openai/whisper-tiny', kind: 'model' } } });
  const started = Date.now();
  await deliver(app.broker, Topic.PackageStored, payload, artifactId);
  const event = await expectEventually(
    () => {
      const events = published(app.broker, Topic.RatingComputed).filter((e) => e.payload.artifactId === artifactId);
      expect(events).toHaveLength(1);
      return events[0];
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return { ...event.payload, elapsedMs: Date.now() - started };
}

beforeAll(async () => {
  llm = await startFakeLlm();
  app = await startScoringTestApp({
    schema,
    github: noGithub,
    settings: { evidenceTimeoutMs: 500 },
    env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: llm.apiKey, LLM_TIMEOUT_MS: String(LLM_TIMEOUT_MS), UPSTREAM_ALLOW_PRIVATE: 'true' },
  });
});

afterAll(async () => {
  await app?.close();
  await llm?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('scoring service with an LLM card analyser', () => {
  it('reads the card through the configured LLM, with its key, and says so in the reasons', async () => {
    llm.setMode({ kind: 'answer' });
    const rated = await rate('whisper-tiny');
    expect(llm.chats.at(-1)?.authorization).toBe(`Bearer ${llm.apiKey}`);
    expect(llm.chats.at(-1)?.body.model).toBe('fake-model');
    for (const metric of ['ramp_up_time', 'performance_claims', 'reproducibility'] as const) expect(rated.reasons[metric]).toMatch(/^llm:fake-model read the card: /);
    expect(rated.reasons.license).not.toContain('llm:');
    expect(rated.rating.ramp_up_time).toBeGreaterThan(0.5);
  });

  it('still rates every model when the LLM fails (500) or never answers, from the rules', async () => {
    llm.setMode({ kind: 'error', status: 500 });
    const failed = await rate('whisper-tiny-500');
    expect(failed.reasons.ramp_up_time).toMatch(/analyser llm:fake-model failed: LLM call failed: .*answered 500; deterministic rules used/);

    llm.setMode({ kind: 'hang' });
    const silent = await rate('whisper-tiny-hang');
    expect(silent.reasons.ramp_up_time).toContain(`LLM did not answer within ${LLM_TIMEOUT_MS} ms; deterministic rules used`);
    expect(silent.elapsedMs).toBeLessThan(LLM_TIMEOUT_MS + 5_000);

    // Same card, same rules: the degraded ratings agree with each other and keep no fallback for the card metrics.
    for (const metric of ['ramp_up_time', 'performance_claims', 'reproducibility'] as const) {
      expect(silent.rating[metric]).toBe(failed.rating[metric]);
      expect(silent.fallbacks).not.toContain(metric);
    }
  });
});
