import type { PackageMetadata, PackageStoredV1 } from '@modelguard/contracts';

/**
 * Stored-package payloads as ingest publishes them for real Hub repositories: the metadata is what
 * libs/ingest/feature/src/sources/card-metadata.ts extracts from each repo's config.json, adapter_config.json and card
 * (the resnet-50, trained-gender and bert-base-uncased ones follow tests/fixtures/upstreams; the others are written
 * after the Hub's cards of those repos, trimmed). Sizes are small; totals are the sum of the files.
 */

const HEX = '0123456789abcdef';
const fakeSha = (seed: string) => Array.from({ length: 64 }, (_, i) => HEX[(seed.charCodeAt(i % seed.length) + i * 7) % 16]).join('');

export interface StoredFixture {
  repo: string;
  kind?: 'model' | 'dataset';
  metadata: PackageMetadata;
  files: { path: string; size: number }[];
}

const upstream = (repo: string, kind: 'model' | 'dataset' = 'model') => ({ repo, kind, revision: fakeSha(repo).slice(0, 40), author: repo.split('/')[0] });

export const RESNET_50: StoredFixture = {
  repo: 'microsoft/resnet-50',
  metadata: {
    upstream: upstream('microsoft/resnet-50'),
    license: 'apache-2.0',
    datasets: ['imagenet-1k'],
    config: { architectures: ['ResNetForImageClassification'], model_type: 'resnet', torch_dtype: 'float32', transformers_version: '4.18.0.dev0' },
    card: { license: 'apache-2.0', datasets: ['imagenet-1k'], tags: ['vision', 'image-classification'] },
  },
  files: [
    { path: 'config.json', size: 69_000 },
    { path: 'model.safetensors', size: 102_000_000 },
  ],
};

export const BERT_BASE_UNCASED: StoredFixture = {
  repo: 'google-bert/bert-base-uncased',
  metadata: {
    upstream: upstream('google-bert/bert-base-uncased'),
    license: 'apache-2.0',
    datasets: ['bookcorpus', 'wikipedia'],
    config: { architectures: ['BertForMaskedLM'], model_type: 'bert', transformers_version: '4.6.0.dev0' },
    card: { license: 'apache-2.0', datasets: ['bookcorpus', 'wikipedia'], language: ['en'], tags: ['exbert'] },
  },
  files: [
    { path: 'config.json', size: 570 },
    { path: 'model.safetensors', size: 440_000_000 },
  ],
};

/** A fine-tune whose config.json still names the legacy id it was loaded from (`bert-base-uncased`). */
export const BERT_IMDB_FINETUNE: StoredFixture = {
  repo: 'textattack/bert-base-uncased-imdb',
  metadata: {
    upstream: upstream('textattack/bert-base-uncased-imdb'),
    config: { _name_or_path: 'bert-base-uncased', architectures: ['BertForSequenceClassification'], model_type: 'bert' },
    card: {},
  },
  files: [
    { path: 'config.json', size: 620 },
    { path: 'pytorch_model.bin', size: 438_000_000 },
  ],
};

export const VIT_BASE: StoredFixture = {
  repo: 'google/vit-base-patch16-224',
  metadata: {
    upstream: upstream('google/vit-base-patch16-224'),
    license: 'apache-2.0',
    datasets: ['imagenet-1k', 'imagenet-21k'],
    config: { architectures: ['ViTForImageClassification'], model_type: 'vit' },
    card: { license: 'apache-2.0', datasets: ['imagenet-1k', 'imagenet-21k'], tags: ['vision', 'image-classification'] },
  },
  files: [
    { path: 'config.json', size: 69_600 },
    { path: 'model.safetensors', size: 346_000_000 },
  ],
};

export const TRAINED_GENDER: StoredFixture = {
  repo: 'crangana/trained-gender',
  metadata: {
    upstream: upstream('crangana/trained-gender'),
    license: 'apache-2.0',
    baseModels: [{ repo: 'google/vit-base-patch16-224', relation: 'finetune' }],
    config: { _name_or_path: 'google/vit-base-patch16-224', architectures: ['ViTForImageClassification'], model_type: 'vit', torch_dtype: 'float32' },
    card: { license: 'apache-2.0', base_model: ['google/vit-base-patch16-224'], library_name: 'transformers', tags: ['generated_from_trainer'] },
  },
  files: [
    { path: 'config.json', size: 780 },
    { path: 'model.safetensors', size: 343_000_000 },
  ],
};

/** An ONNX export: the card names its base and says how it relates (`base_model_relation`). */
export const TRAINED_GENDER_ONNX: StoredFixture = {
  repo: 'onnx-community/trained-gender-ONNX',
  metadata: {
    upstream: upstream('onnx-community/trained-gender-ONNX'),
    baseModels: [{ repo: 'crangana/trained-gender', relation: 'quantized' }],
    config: { _name_or_path: 'crangana/trained-gender', architectures: ['ViTForImageClassification'], model_type: 'vit' },
    card: { base_model: ['crangana/trained-gender'], base_model_relation: 'quantized', library_name: 'transformers.js' },
  },
  files: [
    { path: 'config.json', size: 800 },
    { path: 'onnx/model.onnx', size: 343_000_000 },
    { path: 'onnx/model_quantized.onnx', size: 87_000_000 },
  ],
};

/** A PEFT LoRA adapter: no config.json, its card names no base; adapter_config.json does (ingest's baseModelsOf). */
export const OPT_LORA_ADAPTER: StoredFixture = {
  repo: 'ybelkada/opt-350m-lora',
  metadata: {
    upstream: upstream('ybelkada/opt-350m-lora'),
    baseModels: [{ repo: 'facebook/opt-350m', relation: 'adapter' }],
    adapterConfig: { base_model_name_or_path: 'facebook/opt-350m', peft_type: 'LORA', task_type: 'CAUSAL_LM' },
    card: { library_name: 'peft' },
  },
  files: [
    { path: 'adapter_config.json', size: 450 },
    { path: 'adapter_model.bin', size: 6_300_000 },
  ],
};

export const OPT_350M: StoredFixture = {
  repo: 'facebook/opt-350m',
  metadata: { upstream: upstream('facebook/opt-350m'), license: 'other', config: { _name_or_path: 'facebook/opt-350m', architectures: ['OPTForCausalLM'], model_type: 'opt' }, card: { license: 'other' } },
  files: [
    { path: 'config.json', size: 644 },
    { path: 'pytorch_model.bin', size: 662_000_000 },
  ],
};

export const IMAGENET_1K: StoredFixture = {
  repo: 'ILSVRC/imagenet-1k',
  kind: 'dataset',
  metadata: { upstream: upstream('ILSVRC/imagenet-1k', 'dataset'), card: { license: 'other' } },
  files: [
    { path: 'README.md', size: 28_000 },
    { path: 'classes.py', size: 30_000 },
  ],
};

/** The PackageStored payload ingest publishes for a fixture registered as `artifactId`. */
export function storedPayload(artifactId: string, fixture: StoredFixture, overrides: Partial<PackageStoredV1> = {}): PackageStoredV1 {
  const kind = fixture.kind ?? 'model';
  const files = fixture.files.map((f) => ({ ...f, sha256: fakeSha(`${fixture.repo}/${f.path}`) }));
  return {
    artifactId,
    artifactType: kind,
    name: fixture.repo.split('/').pop() ?? fixture.repo,
    version: '1.0.0',
    source: 'huggingface',
    url: `https://huggingface.co/${kind === 'dataset' ? 'datasets/' : ''}${fixture.repo}`,
    files,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    metadata: fixture.metadata,
    ...overrides,
  };
}

/** Bytes of a fixture's package. */
export const bytesOf = (fixture: StoredFixture) => fixture.files.reduce((n, f) => n + f.size, 0);
