import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackageMetadataSchema } from '@modelguard/contracts';
import type { RatingEvidence } from '../src/rating/rating-evidence';

/**
 * Rating evidence shaped like the three course sample models (../shared/reference/phase1_samples), as the scoring
 * service assembles it: file lists with the Hub's real sizes, upstream info, config excerpts and card data as the
 * ingest extracts them, and the cards as the Hub serves them. Cards live next to evidence.json as Markdown so they
 * read like cards; metadata goes through the contract's lenient parser, exactly as it arrives in events.
 * sha256 values of files whose bytes are not here are derived from path and size (they are never read).
 */
export const SAMPLE_MODELS = ['bert-base-uncased', 'audience_classifier_model', 'whisper-tiny'] as const;
export type SampleModel = (typeof SAMPLE_MODELS)[number];

const FIXTURES = join(__dirname, 'fixtures');
/**
 * The cards of models the fake Hugging Face also serves live with its recordings (one copy: the end-to-end gate test
 * ingests exactly the card calibrated here).
 */
const UPSTREAM_CARDS: Partial<Record<SampleModel, string>> = {
  'bert-base-uncased': 'google-bert__bert-base-uncased',
  'whisper-tiny': 'openai__whisper-tiny',
};
const UPSTREAM_MODELS = join(__dirname, '../../../../tests/fixtures/upstreams/huggingface/models');

export function loadRatingFixture(name: SampleModel): RatingEvidence {
  const dir = join(FIXTURES, name);
  const raw = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as RatingEvidence;
  const upstream = UPSTREAM_CARDS[name];
  const card = upstream ? join(UPSTREAM_MODELS, upstream, 'README.md') : join(dir, 'README.md');
  const evidence: RatingEvidence = { ...raw, metadata: PackageMetadataSchema.parse({ ...raw.metadata, readme: readOptional(card) }) };
  if (raw.linkedCode) evidence.linkedCode = { ...raw.linkedCode, metadata: PackageMetadataSchema.parse({ ...raw.linkedCode.metadata, readme: readOptional(join(dir, 'code-README.md')) }) };
  if (raw.linkedDataset) evidence.linkedDataset = { ...raw.linkedDataset, metadata: PackageMetadataSchema.parse({ ...raw.linkedDataset.metadata, readme: readOptional(join(dir, 'dataset-README.md')) }) };
  return evidence;
}

export interface CourseReference {
  net_score: number;
  ramp_up_time: number;
  bus_factor: number;
  performance_claims: number;
  license: number;
  size_score: Record<'raspberry_pi' | 'jetson_nano' | 'desktop_pc' | 'aws_server', number>;
  dataset_and_code_score: number;
  dataset_quality: number;
  code_quality: number;
}

/** The course's sample output for the model (../shared/reference/phase1_samples/sample_output.txt). */
export function courseReference(name: SampleModel): CourseReference {
  const all = JSON.parse(readFileSync(join(FIXTURES, 'course-reference.json'), 'utf8')) as { models: Record<SampleModel, CourseReference> };
  return all.models[name];
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
