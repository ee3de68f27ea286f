import { createHash } from 'node:crypto';
import type { ManifestEntry } from '@modelguard/domain';
import type { PackageMetadata } from '@modelguard/contracts';
import { DeterministicCardAnalyser } from '../src/metrics/deterministic-card-analyser';
import { type MetricContext, metricContext } from '../src/metrics/metric-context';
import type { RatingEvidence } from '../src/rating/rating-evidence';

/** A manifest entry with a digest derived from path and size (tests never read the bytes). */
export function file(path: string, size: number): ManifestEntry {
  return { path, size, sha256: createHash('sha256').update(`${path}:${size}`).digest('hex') };
}

/** Evidence for a Hugging Face model with nothing but what the test sets. */
export function modelEvidence(overrides: Partial<RatingEvidence> & { metadata?: PackageMetadata } = {}): RatingEvidence {
  return {
    artifact: { id: 'a1b2c3', name: 'tiny-model', type: 'model' },
    version: '1.0.0',
    source: 'huggingface',
    url: 'https://huggingface.co/acme/tiny-model',
    files: [],
    metadata: { upstream: { repo: 'acme/tiny-model', kind: 'model' } },
    ...overrides,
  };
}

export function contextOf(evidence: RatingEvidence): MetricContext {
  return metricContext(evidence, new DeterministicCardAnalyser());
}
