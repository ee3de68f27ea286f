import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '@modelguard/storage';
import { type FakeGitHub, type FakeHuggingFace, startFakeGitHub, startFakeHuggingFace } from '@modelguard/testing';
import { EgressPolicy, SafeFetcher } from '@modelguard/egress';
import { DEFAULT_README_BYTES } from './package-content';
import { resolvePackage } from './resolve-package';

const SIZE = 256 * 1024 * 1024;
let hf: FakeHuggingFace;
let gh: FakeGitHub;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-ingest-mem-'));
  // The fake holds the file in memory before the baseline is taken; only the ingest's own growth is measured.
  hf = await startFakeHuggingFace({
    models: [{ id: 'acme/big-model', files: { 'config.json': '{"model_type":"llama"}' }, generated: [{ path: 'model.safetensors', size: SIZE, format: 'repeat' }] }],
  });
  gh = await startFakeGitHub({ repos: [] });
}, 120_000);
afterAll(async () => {
  await hf.close();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Hugging Face ingest streams', () => {
  it('mirrors a 256 MiB weight file with flat memory', async () => {
    const policy = new EgressPolicy({ hfEndpoint: hf.url, githubApiUrl: gh.url, allowedHosts: [], allowPrivateNetworks: true });
    const limit = 1024 * 1024 * 1024;
    const deps = {
      fetcher: new SafeFetcher(policy, { maxBytes: limit, timeoutMs: 10_000 }),
      blobs: new FsBlobStore(join(dir, 'blobs')),
      hfEndpoint: hf.url,
      githubApiUrl: gh.url,
      tmpDir: join(dir, 'tmp'),
      limits: { maxPackageBytes: limit, maxFiles: 100, zip: { maxZipEntries: 100, maxZipRatio: 100, maxUnpackedBytes: limit }, readmeBytes: DEFAULT_README_BYTES },
    };
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const content = await resolvePackage(deps, 'https://huggingface.co/acme/big-model', 'model');
      expect(content.files.find((f) => f.path === 'model.safetensors')?.sha256).toBe(hf.filesOf('acme/big-model').find((f) => f.path === 'model.safetensors')?.sha256);
    } finally {
      clearInterval(timer);
    }
    const growth = Math.max(peak, process.memoryUsage().rss) - base;
    console.info(`HF ingest of 256 MiB: peak RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(96 * 1024 * 1024);
  }, 120_000);
});
