import { describe, expect, it } from 'vitest';
import { loadRatingFixture } from '../../test/rating-fixtures';
import type { RatingEvidence } from './rating-evidence';
import { computeRating } from './compute-rating';
import { describeGateFailures, ingestGate } from './ingest-gate';

/** What the gate sees for a model ingested from its Hub URL alone: nothing registered with it, no GitHub history. */
function hubOnly(evidence: RatingEvidence): RatingEvidence {
  const { linkedCode: _code, linkedDataset: _dataset, github: _github, ...rest } = evidence;
  return rest;
}

describe('ingest gate', () => {
  it.each(['bert-base-uncased', 'whisper-tiny'] as const)('admits the well-documented popular model %s ingested from the Hub', async (name) => {
    const computed = await computeRating(hubOnly(loadRatingFixture(name)));
    const verdict = ingestGate(computed);
    expect(verdict.failures, describeGateFailures(verdict.failures)).toEqual([]);
    expect(verdict.passed).toBe(true);
    // Nothing was registered with it and it has no parents or repository: those metrics are not held against it.
    expect(verdict.exempt).toEqual(expect.arrayContaining(['reviewedness', 'tree_score', 'dataset_quality', 'code_quality']));
  });

  it('refuses a model with an unusable license and a thin card, naming each failing metric and its value', async () => {
    const computed = await computeRating(hubOnly(loadRatingFixture('audience_classifier_model')));
    const verdict = ingestGate(computed);
    expect(verdict.passed).toBe(false);
    const failing = Object.fromEntries(verdict.failures.map((f) => [f.metric, f.value]));
    expect(failing).toMatchObject({ license: 0, ramp_up_time: computed.rating.ramp_up_time, performance_claims: computed.rating.performance_claims, net_score: computed.rating.net_score });
    expect(describeGateFailures(verdict.failures)).toMatch(/license 0\.00 < 0\.5/);
  });

  it('refuses a package without any card (license known from the Hub): the card metrics are checked even on their fallback values', async () => {
    const evidence = hubOnly(loadRatingFixture('whisper-tiny'));
    const computed = await computeRating({ ...evidence, metadata: { upstream: evidence.metadata.upstream } });
    const verdict = ingestGate(computed);
    expect(verdict.passed).toBe(false);
    expect(verdict.failures.map((f) => f.metric)).toEqual(expect.arrayContaining(['ramp_up_time', 'performance_claims', 'reproducibility']));
  });

  it('passes size_score when one device class can run the model, and checks reviewedness once a repository is linked', () => {
    const base = {
      name: 'm', category: 'MODEL', net_score: 0.8, ramp_up_time: 0.8, bus_factor: 0.8, performance_claims: 0.8, license: 1,
      dataset_and_code_score: 0.8, dataset_quality: 0.8, code_quality: 0.8, reproducibility: 1, reviewedness: 0.2, tree_score: 0.5,
      size_score: { raspberry_pi: 0.1, jetson_nano: 0.2, desktop_pc: 0.4, aws_server: 0.9 },
    };
    const rating = { ...base, ...Object.fromEntries(Object.keys(base).filter((k) => k !== 'name' && k !== 'category').map((k) => [`${k}_latency`, 0.01])) } as never;
    const verdict = ingestGate({ rating, fallbacks: ['tree_score'] });
    expect(verdict.failures).toEqual([{ metric: 'reviewedness', value: 0.2, threshold: 0.5 }]);
    expect(verdict.exempt).toEqual(['dataset_and_code_score', 'tree_score']);
  });

  it('does not hold a companion linked only by registration order against the model, but does one its card names', async () => {
    const bert = loadRatingFixture('bert-base-uncased');
    const poorDataset = { ...bert.linkedDataset!, metadata: { readme: '# data' } };
    const poorCode = { ...bert.linkedCode!, files: [], metadata: { readme: '# code' } };
    const guessed = { ...hubOnly(bert), linkedDataset: { ...poorDataset, linkedBy: 'registration-order' as const }, linkedCode: { ...poorCode, linkedBy: 'registration-order' as const } };
    const guessedVerdict = ingestGate(await computeRating(guessed), guessed);
    expect(guessedVerdict.failures, describeGateFailures(guessedVerdict.failures)).toEqual([]);
    expect(guessedVerdict.exempt).toEqual(expect.arrayContaining(['dataset_quality', 'code_quality', 'dataset_and_code_score']));

    const named = { ...guessed, linkedDataset: { ...poorDataset, linkedBy: 'name' as const } };
    const namedVerdict = ingestGate(await computeRating(named), named);
    expect(namedVerdict.failures.map((f) => f.metric)).toContain('dataset_quality');
    expect(namedVerdict.exempt).toContain('code_quality');
  });
});
