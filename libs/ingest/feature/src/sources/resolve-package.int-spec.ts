import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackageMetadataSchema, type UpstreamInfo } from '@modelguard/contracts';
import { FsBlobStore } from '@modelguard/storage';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { EgressPolicy, SafeFetcher, UpstreamError } from '@modelguard/egress';
import { DEFAULT_README_BYTES, IngestDeps } from './package-content';
import { resolvePackage } from './resolve-package';

let hf: FakeHuggingFace;
let gh: FakeGitHub;
let dir: string;
let blobs: FsBlobStore;

function deps(overrides: { maxPackageBytes?: number } = {}): IngestDeps {
  const policy = new EgressPolicy({ hfEndpoint: hf.url, githubApiUrl: gh.url, allowedHosts: [], allowPrivateNetworks: true });
  const maxPackageBytes = overrides.maxPackageBytes ?? 50 * 1024 * 1024;
  return {
    fetcher: new SafeFetcher(policy, { maxBytes: maxPackageBytes, timeoutMs: 2000 }),
    blobs,
    hfEndpoint: hf.url,
    githubApiUrl: gh.url,
    tmpDir: join(dir, 'tmp'),
    limits: { maxPackageBytes, maxFiles: 1000, zip: { maxZipEntries: 1000, maxZipRatio: 200, maxUnpackedBytes: maxPackageBytes }, readmeBytes: DEFAULT_README_BYTES },
  };
}

async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-ingest-sources-'));
  blobs = new FsBlobStore(join(dir, 'blobs'));
  hf = await startFakeHuggingFace({
    models: [
      'google-bert/bert-base-uncased',
      'openai/whisper-tiny',
      'microsoft/resnet-50',
      'HuggingFaceTB/SmolLM-135M',
      'crangana/trained-gender',
      'distilbert/distilbert-base-uncased-distilled-squad',
    ],
  });
  gh = await startFakeGitHub({
    repos: [
      'google-research/bert',
      'openai/whisper',
      { fullName: 'huggingface/transformers-research-projects', files: { 'README.md': '# research', 'distillation/README.md': '# Distil', 'distillation/train.py': 'print(1)\n', 'other/x.py': 'x' } },
    ],
  });
});
afterAll(async () => {
  await hf.close();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Hugging Face models', () => {
  it.each([
    ['google-bert/bert-base-uncased', 'bert', 'apache-2.0'],
    ['openai/whisper-tiny', 'whisper', 'apache-2.0'],
    ['microsoft/resnet-50', 'resnet', 'apache-2.0'],
    ['HuggingFaceTB/SmolLM-135M', 'llama', 'apache-2.0'],
    ['crangana/trained-gender', 'vit', 'apache-2.0'],
  ])('%s: every served file stored with its digest, metadata extracted', async (repo, modelType, license) => {
    const content = await resolvePackage(deps(), `https://huggingface.co/${repo}`, 'model');
    const served = hf.filesOf(repo).map((f) => ({ path: f.path, size: f.data.length, sha256: f.sha256 }));
    expect(content.source).toBe('huggingface');
    expect([...content.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual(served);
    expect(content.totalBytes).toBe(served.reduce((n, f) => n + f.size, 0));
    const md = content.metadata as { config: { model_type: string }; license: string; readme: string; upstream: { repo: string; revision: string } };
    expect(md.config.model_type).toBe(modelType);
    expect(md.license).toBe(license);
    expect(md.readme).toMatch(/^---\n/);
    expect(md.upstream.revision).toBe(hf.repoOf(repo).sha);
    // Every field fits the contract: the consumer-side (lenient) parse drops nothing.
    expect(JSON.parse(JSON.stringify(PackageMetadataSchema.parse(content.metadata)))).toEqual(content.metadata);
  });

  it('stored blobs hold exactly the upstream bytes', async () => {
    const content = await resolvePackage(deps(), 'https://huggingface.co/openai/whisper-tiny/tree/main', 'model');
    const entry = content.files.find((f) => f.path === 'model.safetensors');
    const chunks: Buffer[] = [];
    for await (const c of await blobs.get(entry?.sha256 ?? '')) chunks.push(c as Buffer);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(hf.filesOf('openai/whisper-tiny').find((f) => f.path === 'model.safetensors')?.sha256);
  });

  it('records lineage facts of a fine-tune (card base_model, config _name_or_path)', async () => {
    const md = (await resolvePackage(deps(), 'https://huggingface.co/crangana/trained-gender', 'model')).metadata;
    expect(md.baseModels).toEqual([{ repo: 'google/vit-base-patch16-224', relation: 'finetune' }]);
    expect(md.config?._name_or_path).toBe('google/vit-base-patch16-224');
    expect(md.card?.base_model).toEqual(['google/vit-base-patch16-224']);
  });

  it('follows the paginated tree listing (Link rel="next")', async () => {
    const paged = await startFakeHuggingFace({ models: ['google-bert/bert-base-uncased'], treePageSize: 2 });
    try {
      const policy = new EgressPolicy({ hfEndpoint: paged.url, githubApiUrl: gh.url, allowedHosts: [], allowPrivateNetworks: true });
      const d = { ...deps(), hfEndpoint: paged.url, fetcher: new SafeFetcher(policy, { maxBytes: 1e7, timeoutMs: 2000 }) };
      const content = await resolvePackage(d, 'https://huggingface.co/google-bert/bert-base-uncased', 'model');
      expect(content.files).toHaveLength(paged.filesOf('google-bert/bert-base-uncased').length);
      expect(paged.requests.filter((r) => r.path.includes('/tree/')).length).toBeGreaterThan(3);
    } finally {
      await paged.close();
    }
  });

  it('follows a legacy id to the canonical repository', async () => {
    const content = await resolvePackage(deps(), 'https://huggingface.co/distilbert-base-uncased-distilled-squad', 'model');
    expect((content.metadata.upstream as { repo: string }).repo).toBe('distilbert/distilbert-base-uncased-distilled-squad');
    expect(content.files.map((f) => f.path)).toContain('model.safetensors');
  });

  it('maps a missing repository to a permanent failure and a 5xx to a retriable one', async () => {
    const missing = await upstreamFailure(resolvePackage(deps(), 'https://huggingface.co/nobody/nothing', 'model'));
    expect([missing.kind, missing.retriable]).toEqual(['not-found', false]);
    hf.inject({ match: '/api/models/microsoft/resnet-50', status: 500 });
    const flaky = await upstreamFailure(resolvePackage(deps(), 'https://huggingface.co/microsoft/resnet-50', 'model'));
    expect([flaky.status, flaky.retriable]).toEqual([500, true]);
  });

  it('refuses a model larger than maxPackageBytes before downloading it', async () => {
    const before = hf.requests.length;
    const error = await upstreamFailure(resolvePackage(deps({ maxPackageBytes: 20_000 }), 'https://huggingface.co/google-bert/bert-base-uncased', 'model'));
    expect([error.kind, error.retriable]).toEqual(['too-large', false]);
    expect(hf.requests.slice(before).some((r) => r.path.includes('/resolve/'))).toBe(false);
  });

  it('aborts a file whose upstream body is larger than the tree says', async () => {
    // Serve bert's 24 KiB safetensors where resnet's 8 KiB pytorch_model.bin was listed.
    const big = hf.filesOf('google-bert/bert-base-uncased').find((f) => f.path === 'model.safetensors');
    hf.inject({ match: '/microsoft/resnet-50/resolve/', action: 'redirect', location: `/cdn-lfs/repos/${big?.sha256.slice(0, 2)}/${big?.sha256.slice(2, 4)}/${big?.sha256}`, times: 1 });
    const error = await upstreamFailure(resolvePackage(deps(), 'https://huggingface.co/microsoft/resnet-50', 'model'));
    expect(error.kind).toBe('too-large');
  });

  it('refuses content that does not match its LFS sha256', async () => {
    const other = hf.filesOf('microsoft/resnet-50').find((f) => f.path === 'model.safetensors');
    hf.inject({ match: /crangana\/trained-gender\/resolve\/.*model\.safetensors/, action: 'redirect', location: `/cdn-lfs/repos/${other?.sha256.slice(0, 2)}/${other?.sha256.slice(2, 4)}/${other?.sha256}` });
    // Same size (16 KiB), different bytes: only the digest check can catch it.
    const error = await upstreamFailure(resolvePackage(deps(), 'https://huggingface.co/crangana/trained-gender', 'model'));
    expect(error.kind).toBe('integrity');
    expect(error.retriable).toBe(false);
  });

  it('refuses an LFS redirect to a host outside the allow-list', async () => {
    const evil = await startFakeHuggingFace({ models: ['crangana/trained-gender'], lfsBaseUrl: 'http://cdn.evil.example/lfs' });
    try {
      const policy = new EgressPolicy({ hfEndpoint: evil.url, githubApiUrl: gh.url, allowedHosts: [], allowPrivateNetworks: true });
      const d = { ...deps(), hfEndpoint: evil.url, fetcher: new SafeFetcher(policy, { maxBytes: 1e7, timeoutMs: 2000 }) };
      const error = await upstreamFailure(resolvePackage(d, 'https://huggingface.co/crangana/trained-gender', 'model'));
      expect([error.kind, error.retriable]).toEqual(['forbidden-destination', false]);
      expect(error.message).toMatch(/cdn\.evil\.example/);
    } finally {
      await evil.close();
    }
  });
});

describe('Hugging Face datasets', () => {
  it('mirrors a small dataset', async () => {
    const content = await resolvePackage(deps(), 'https://huggingface.co/datasets/rajpurkar/squad', 'dataset');
    expect(content.files.map((f) => f.path).sort()).toEqual(hf.filesOf('rajpurkar/squad', 'dataset').map((f) => f.path).sort());
    expect(content.metadata.license).toBe('cc-by-sa-4.0');
  });

  it('keeps only the card of a dataset too large to mirror', async () => {
    const content = await resolvePackage(deps(), 'https://huggingface.co/datasets/ILSVRC/imagenet-1k', 'dataset');
    expect(content.files.map((f) => f.path).sort()).toEqual(['.gitattributes', 'README.md']);
    expect(content.metadata.truncated).toMatchObject({ reason: 'package exceeds maxPackageBytes' });
    expect((content.metadata.truncated as { declaredBytes: number }).declaredBytes).toBeGreaterThan(100e9);
  });
});

describe('GitHub code', () => {
  it.each(['google-research/bert', 'openai/whisper'])('%s: zipball unpacked, top folder stripped', async (repo) => {
    const content = await resolvePackage(deps(), `https://github.com/${repo}`, 'code');
    const served = gh.filesOf(repo).map((f) => ({ path: f.path, size: f.data.length, sha256: f.sha256 }));
    expect(content.source).toBe('github');
    expect([...content.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual(served);
    expect(content.metadata.readme).toMatch(/^# (BERT|Whisper)/);
  });

  it('records license and ref', async () => {
    const md = (await resolvePackage(deps(), 'https://github.com/openai/whisper.git', 'code')).metadata as { license: string; upstream: { ref: string } };
    expect(md.license).toBe('MIT');
    expect(md.upstream.ref).toBe('main');
  });

  it('keeps only the requested subdirectory, re-rooted', async () => {
    const content = await resolvePackage(deps(), 'https://github.com/huggingface/transformers-research-projects/tree/main/distillation', 'code');
    expect(content.files.map((f) => f.path).sort()).toEqual(['README.md', 'train.py']);
    expect(content.metadata.readme).toBe('# Distil');
    const missing = await upstreamFailure(resolvePackage(deps(), 'https://github.com/huggingface/transformers-research-projects/tree/main/nope', 'code'));
    expect(missing.kind).toBe('not-found');
  });

  it('maps an unknown repository or ref to not-found', async () => {
    expect((await upstreamFailure(resolvePackage(deps(), 'https://github.com/nobody/nothing', 'code'))).kind).toBe('not-found');
    expect((await upstreamFailure(resolvePackage(deps(), 'https://github.com/openai/whisper/tree/no-such-branch', 'code'))).kind).toBe('not-found');
  });

  it('refuses a zipball over the package limit while streaming it', async () => {
    const error = await upstreamFailure(resolvePackage(deps({ maxPackageBytes: 1000 }), 'https://github.com/openai/whisper', 'code'));
    expect(error.kind).toBe('too-large');
  });
});

/** The release a Hugging Face model is, from its git tags (fixtures: tests/fixtures/upstreams/README.md). */
describe('Hugging Face version tags', () => {
  const TAGGED = 'distilbert/distilbert-base-uncased-distilled-squad';
  const upstreamOf = async (repo: string): Promise<UpstreamInfo> => {
    const content = await resolvePackage(deps(), `https://huggingface.co/${repo}`, 'model');
    expect(content.files).toHaveLength(hf.filesOf(repo).length);
    return content.metadata.upstream ?? {};
  };

  it('reports the highest semver tag on the ingested commit, as written upstream', async () => {
    const upstream = await upstreamOf(TAGGED);
    expect(upstream.revision).toBe(hf.repoOf(TAGGED).sha);
    // v2.0.0 is higher but tags an older commit; onnx-export is not a version.
    expect(upstream.versionTag).toBe('v1.1.0');
    expect(hf.requests.some((r) => r.path === `/api/models/${TAGGED}/refs`)).toBe(true);
  });

  it('reports no tag when the only tag names another commit, or there are none', async () => {
    expect((await upstreamOf('microsoft/resnet-50')).versionTag).toBeUndefined();
    expect((await upstreamOf('google-bert/bert-base-uncased')).versionTag).toBeUndefined();
  });

  it.each([
    ['a 404', { status: 404 }],
    ['a 500', { status: 500 }],
    ['a hang (timeout)', { action: 'hang' as const }],
    ['a reset connection', { action: 'reset' as const }],
  ])('stores the package without a tag after %s on refs', async (_label, fault) => {
    hf.inject({ match: `/api/models/${TAGGED}/refs`, ...fault });
    const upstream = await upstreamOf(TAGGED);
    expect([upstream.repo, upstream.versionTag]).toEqual([TAGGED, undefined]);
  });
});

describe('other hosts', () => {
  it.each([
    ['https://www.kaggle.com/datasets/hliang001/flickr2k', 'dataset'],
    ['https://github.com/zalandoresearch/fashion-mnist', 'dataset'],
  ] as const)('%s → metadata-only', async (url, type) => {
    const content = await resolvePackage(deps(), url, type);
    expect(content).toMatchObject({ source: 'metadata-only', files: [], totalBytes: 0 });
  });
});
