import { describe, expect, it } from 'vitest';
import { contextOf, file, modelEvidence } from '../../test/evidence-builder';
import { loadRatingFixture } from '../../test/rating-fixtures';
import type { GithubEvidence, LinkedArtifactEvidence } from '../rating/rating-evidence';
import { busFactor } from './bus-factor.metric';
import { codeQuality } from './code-quality.metric';
import { datasetAndCodeScore } from './dataset-and-code.metric';
import { datasetQuality } from './dataset-quality.metric';
import { reviewedness } from './reviewedness.metric';
import { treeScore } from './tree-score.metric';

const github = (over: Partial<GithubEvidence> = {}): GithubEvidence => ({ repo: 'acme/tiny', contributors: [], pulls: [], totalAdditions: 0, ...over });

describe('bus_factor', () => {
  it('rates one dominant committer low and a spread team high', () => {
    const solo = busFactor(contextOf(modelEvidence({ metadata: {}, github: github({ contributors: [{ login: 'a', commits: 95 }, { login: 'b', commits: 3 }, { login: 'c', commits: 2 }] }) })));
    const team = busFactor(contextOf(modelEvidence({ metadata: {}, github: github({ contributors: Array.from({ length: 40 }, (_, i) => ({ login: `u${i}`, commits: 10 })) }) })));
    expect(solo.score).toBeLessThan(0.45);
    expect(team.score).toBe(1);
  });

  it('uses the Hub publisher and community when there is no GitHub history', () => {
    const popular = busFactor(contextOf(loadRatingFixture('whisper-tiny')));
    const unknown = busFactor(contextOf(loadRatingFixture('audience_classifier_model')));
    expect(popular.score).toBeGreaterThan(0.85);
    expect(unknown.score).toBeLessThan(0.45);
    expect(popular.fallback).toBe(false);
  });

  it('notes unreachable GitHub and falls back to 0.5 without any signal', () => {
    const result = busFactor(contextOf(modelEvidence({ metadata: {}, github: { unavailable: 'rate limited (403)' } })));
    expect(result).toMatchObject({ score: 0.5, fallback: true });
    expect(result.reason).toContain('rate limited');
  });
});

describe('reviewedness', () => {
  it('is the share of added lines that came through reviewed pull requests', () => {
    const pulls = [
      { number: 1, additions: 300, deletions: 10, reviewed: true },
      { number: 2, additions: 100, deletions: 0, reviewed: false },
    ];
    expect(reviewedness(contextOf(modelEvidence({ github: github({ pulls, totalAdditions: 1000 }) }))).score).toBe(0.3);
    expect(reviewedness(contextOf(modelEvidence({ github: github({ pulls, totalAdditions: 0 }) }))).score).toBe(0.75);
    expect(reviewedness(contextOf(modelEvidence({ github: github({ pulls: [{ number: 3, additions: 5000, deletions: 0, reviewed: true }], totalAdditions: 1000 }) }))).score).toBe(1);
  });

  it('is -1 without a linked repo, when GitHub fails, or with no history', () => {
    expect(reviewedness(contextOf(modelEvidence()))).toMatchObject({ score: -1, fallback: true });
    expect(reviewedness(contextOf(modelEvidence({ github: { unavailable: 'not found (404)' } })))).toMatchObject({ score: -1, reason: expect.stringContaining('404') });
    expect(reviewedness(contextOf(modelEvidence({ github: github() }))).score).toBe(-1);
  });
});

describe('tree_score', () => {
  it('is the mean net score of the rated parents', () => {
    const parents = [
      { id: 'p1', name: 'base', netScore: 0.9 },
      { id: 'p2', name: 'other', netScore: 0.6 },
      { id: 'p3', name: 'broken', netScore: Number.NaN },
    ];
    expect(treeScore(contextOf(modelEvidence({ parents })))).toMatchObject({ score: 0.75, fallback: false });
  });

  it('is the neutral 0.5, flagged, without parents', () => {
    expect(treeScore(contextOf(modelEvidence()))).toMatchObject({ score: 0.5, fallback: true });
  });
});

const linked = (over: Partial<LinkedArtifactEvidence>): LinkedArtifactEvidence => ({ id: 'l1', name: 'linked', url: 'https://example.com', files: [], metadata: {}, ...over });

describe('code_quality', () => {
  it('rates a tested, documented, licensed code base high', () => {
    expect(codeQuality(contextOf(loadRatingFixture('bert-base-uncased'))).score).toBeGreaterThanOrEqual(0.85);
  });

  it('rates a bare script low', () => {
    const code = linked({ files: [file('train.py', 4000), file('weights.bin', 400_000_000)] });
    const result = codeQuality(contextOf(modelEvidence({ linkedCode: code })));
    expect(result.score).toBeLessThanOrEqual(0.15);
    expect(result.reason).toContain('1 source and 0 test files');
  });

  it('judges code shipped inside the model package when none is linked', () => {
    const result = codeQuality(contextOf(modelEvidence({ files: [file('modeling_tiny.py', 9000), file('configuration_tiny.py', 2000), file('README.md', 3000)] })));
    expect(result.fallback).toBe(false);
    expect(result.reason).toContain('the model package');
  });

  it('falls back to 0 when there is no code at all', () => {
    expect(codeQuality(contextOf(loadRatingFixture('whisper-tiny')))).toMatchObject({ score: 0, fallback: true });
  });
});

describe('dataset metrics', () => {
  it('rate a registered, documented, popular dataset high', () => {
    const bert = contextOf(loadRatingFixture('bert-base-uncased'));
    expect(datasetQuality(bert).score).toBeGreaterThanOrEqual(0.85);
    expect(datasetAndCodeScore(bert).score).toBe(1);
  });

  it('rate an undocumented dataset low', () => {
    const ctx = contextOf(modelEvidence({ linkedDataset: linked({ files: [file('data.csv', 10_000)], metadata: { readme: 'data' } }) }));
    expect(datasetQuality(ctx).score).toBeLessThanOrEqual(0.3);
    expect(datasetAndCodeScore(ctx).score).toBe(0.3);
  });

  it('credit datasets only named in the card a little, flagged as nothing registered (exempt from the ingest gate)', () => {
    const ctx = contextOf(modelEvidence({ metadata: { datasets: ['imdb'] } }));
    expect(datasetAndCodeScore(ctx)).toMatchObject({ score: 0.1, fallback: true });
    expect(datasetQuality(ctx)).toMatchObject({ score: 0, fallback: true, reason: expect.stringContaining('imdb') });
  });

  it('fall back to 0 with nothing linked or named', () => {
    const ctx = contextOf(loadRatingFixture('audience_classifier_model'));
    expect(datasetAndCodeScore(ctx)).toMatchObject({ score: 0, fallback: true });
    expect(datasetQuality(ctx)).toMatchObject({ score: 0, fallback: true });
  });
});
