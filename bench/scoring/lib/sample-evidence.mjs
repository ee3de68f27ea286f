// @ts-check
// Rating evidence for the benchmark, built from the scoring tests' fixtures of the three course sample models
// (libs/scoring/feature/test/fixtures: evidence.json plus the cards as Markdown, bert's and whisper's with the fake
// Hub's recordings in tests/fixtures/upstreams). The loader there is TypeScript under
// test/, which the build does not compile, so this reads the same files the same way, through the compiled contract
// parser, exactly as metadata arrives in events.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../registry/lib/workspace.mjs';

export const SAMPLE_MODELS = ['bert-base-uncased', 'audience_classifier_model', 'whisper-tiny'];
export const FIXTURES = join(repoRoot, 'libs/scoring/feature/test/fixtures');
/** Cards the fake Hugging Face also serves live with its recordings (as in test/rating-fixtures.ts). */
const UPSTREAM_CARDS = { 'bert-base-uncased': 'google-bert__bert-base-uncased', 'whisper-tiny': 'openai__whisper-tiny' };
const UPSTREAM_MODELS = join(repoRoot, 'tests/fixtures/upstreams/huggingface/models');

/** @param {string} name */
function cardPath(name) {
  const upstream = UPSTREAM_CARDS[/** @type {keyof typeof UPSTREAM_CARDS} */ (name)];
  return upstream ? join(UPSTREAM_MODELS, upstream, 'README.md') : join(FIXTURES, name, 'README.md');
}

/** @param {string} path */
function readOptional(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The card (README.md) of a sample model, as the Hub serves it. */
export function sampleCard(name) {
  return readFileSync(cardPath(name), 'utf8');
}

/** The evidence of one sample model, metadata parsed by the compiled PackageMetadataSchema from `dist`. */
export function loadSampleEvidence(dist, name) {
  const { PackageMetadataSchema } = createRequire(import.meta.url)(join(dist, 'libs/contracts/src/index.js'));
  const dir = join(FIXTURES, name);
  const raw = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'));
  const evidence = { ...raw, metadata: PackageMetadataSchema.parse({ ...raw.metadata, readme: readOptional(cardPath(name)) }) };
  if (raw.linkedCode) evidence.linkedCode = { ...raw.linkedCode, metadata: PackageMetadataSchema.parse({ ...raw.linkedCode.metadata, readme: readOptional(join(dir, 'code-README.md')) }) };
  if (raw.linkedDataset) {
    evidence.linkedDataset = { ...raw.linkedDataset, metadata: PackageMetadataSchema.parse({ ...raw.linkedDataset.metadata, readme: readOptional(join(dir, 'dataset-README.md')) }) };
  }
  return evidence;
}

/** Size factors cycled over the packages: from a quarter of the sample's weights to eight times them. */
const SIZE_FACTORS = [0.25, 0.5, 1, 2, 4, 8, 0.1];

/**
 * `count` distinct evidences: package i is sample model i % 3 under its own id and name, with every file's size
 * scaled by a factor (so size_score differs), and every fifth one without its linked code and dataset (so the
 * dataset/code metrics take their fallback path too). Every metric still runs on a real card.
 */
export function evidenceVariants(dist, count) {
  const bases = SAMPLE_MODELS.map((name) => loadSampleEvidence(dist, name));
  return Array.from({ length: count }, (_, i) => {
    const base = bases[i % bases.length];
    const factor = SIZE_FACTORS[i % SIZE_FACTORS.length];
    const name = `${base.artifact.name}-bench-${String(i).padStart(3, '0')}`;
    const variant = {
      ...base,
      artifact: { ...base.artifact, id: `bench${String(i).padStart(27, '0')}`, name },
      url: `${base.url}-bench-${i}`,
      files: base.files.map((/** @type {{ size: number }} */ f) => ({ ...f, size: Math.max(1, Math.round(f.size * factor)) })),
    };
    if (i % 5 === 4) {
      delete variant.linkedCode;
      delete variant.linkedDataset;
    }
    return variant;
  });
}
