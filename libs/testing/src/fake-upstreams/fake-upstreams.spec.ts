import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, startFakeGitHub } from './fake-github';
import { FakeHuggingFace, startFakeHuggingFace } from './fake-huggingface';
import { sha256Hex } from './generated-content';

let hf: FakeHuggingFace;
let gh: FakeGitHub;

beforeAll(async () => {
  hf = await startFakeHuggingFace();
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await hf.close();
  await gh.close();
});

async function get(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}

describe('fake Hugging Face', () => {
  it('serves model info with siblings and the tree with LFS blocks', async () => {
    const info = (await (await get(`${hf.url}/api/models/google-bert/bert-base-uncased`)).json()) as Record<string, unknown>;
    expect(info.id).toBe('google-bert/bert-base-uncased');
    expect(info.sha).toBe('86b5e0934494bd15c9632b12f734a8a67f723594');
    expect((info.siblings as Array<{ rfilename: string }>).map((s) => s.rfilename)).toContain('model.safetensors');
    const tree = (await (await get(`${hf.url}/api/models/google-bert/bert-base-uncased/tree/main?recursive=true`)).json()) as Array<Record<string, unknown>>;
    const weights = tree.find((t) => t.path === 'model.safetensors') as { lfs: { oid: string; size: number }; size: number };
    const served = hf.filesOf('google-bert/bert-base-uncased').find((f) => f.path === 'model.safetensors');
    expect(weights.lfs.oid).toBe(served?.sha256);
    expect(tree.some((t) => t.type === 'directory' && t.path === 'coreml')).toBe(true);
    const top = (await (await get(`${hf.url}/api/models/google-bert/bert-base-uncased/tree/main`)).json()) as Array<{ path: string }>;
    expect(top.every((t) => !t.path.includes('/'))).toBe(true);
    const legacy = (await (await get(`${hf.url}/api/models/bert-base-uncased`)).json()) as { id: string };
    expect(legacy.id).toBe('google-bert/bert-base-uncased');
  });

  it('redirects LFS resolves to a CDN path that honours Range, and serves git files directly', async () => {
    const redirect = await get(`${hf.url}/openai/whisper-tiny/resolve/main/model.safetensors`);
    expect(redirect.status).toBe(302);
    const file = hf.filesOf('openai/whisper-tiny').find((f) => f.path === 'model.safetensors');
    expect(redirect.headers.get('x-linked-etag')).toBe(`"${file?.sha256}"`);
    const cdn = await get(redirect.headers.get('location') ?? '');
    const body = Buffer.from(await cdn.arrayBuffer());
    expect(sha256Hex(body)).toBe(file?.sha256);
    expect(cdn.headers.get('etag')).toBe(`"${file?.sha256}"`);
    // A valid safetensors header: u64 length then JSON.
    const headerLen = Number(body.readBigUInt64LE(0));
    expect(JSON.parse(body.subarray(8, 8 + headerLen).toString())).toHaveProperty('embeddings.weight');
    const partial = await get(redirect.headers.get('location') ?? '', { headers: { range: 'bytes=0-7' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 0-7/${body.length}`);
    const config = await get(`${hf.url}/openai/whisper-tiny/resolve/main/config.json`);
    expect(config.status).toBe(200);
    expect(config.headers.get('x-repo-commit')).toBe('169d4a4341b33bc18d8881c4b69c2e104e1cc0af');
    expect(((await config.json()) as { model_type: string }).model_type).toBe('whisper');
  });

  it('serves datasets, lists huge virtual files, and 404s unknown repos the Hub way', async () => {
    const squad = (await (await get(`${hf.url}/api/datasets/rajpurkar/squad`)).json()) as { id: string };
    expect(squad.id).toBe('rajpurkar/squad');
    const tree = (await (await get(`${hf.url}/api/datasets/ILSVRC/imagenet-1k/tree/main?recursive=true`)).json()) as Array<{ size: number }>;
    expect(tree.reduce((n, t) => n + t.size, 0)).toBeGreaterThan(100e9);
    const missing = await get(`${hf.url}/api/models/nobody/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('RepoNotFound');
  });

  it('lists refs the Hub way: main and the tags, each with its target commit', async () => {
    const refs = (await (await get(`${hf.url}/api/models/distilbert/distilbert-base-uncased-distilled-squad/refs`)).json()) as {
      branches: Array<{ name: string; ref: string; targetCommit: string }>;
      tags: Array<{ name: string; ref: string; targetCommit: string }>;
      converts: unknown[];
    };
    const sha = hf.repoOf('distilbert/distilbert-base-uncased-distilled-squad').sha;
    expect(refs.branches).toEqual([{ name: 'main', ref: 'refs/heads/main', targetCommit: sha }]);
    expect(refs.converts).toEqual([]);
    expect(refs.tags).toContainEqual({ name: 'v1.1.0', ref: 'refs/tags/v1.1.0', targetCommit: sha });
    expect(refs.tags.find((t) => t.name === 'v2.0.0')?.targetCommit).not.toBe(sha);
    const untagged = (await (await get(`${hf.url}/api/datasets/rajpurkar/squad/refs`)).json()) as { tags: unknown[] };
    expect(untagged.tags).toEqual([]);
    expect((await get(`${hf.url}/api/models/nobody/nothing/refs`)).status).toBe(404);
  });

  it('injects faults', async () => {
    hf.inject({ match: '/api/models/microsoft/resnet-50', status: 503, times: 1 });
    expect((await get(`${hf.url}/api/models/microsoft/resnet-50`)).status).toBe(503);
    expect((await get(`${hf.url}/api/models/microsoft/resnet-50`)).status).toBe(200);
  });
});

describe('fake GitHub', () => {
  it('serves repo metadata, license and a zipball with the owner-repo-sha top folder', async () => {
    const repo = (await (await get(`${gh.url}/repos/openai/whisper`)).json()) as { default_branch: string; license: { spdx_id: string } };
    expect(repo.default_branch).toBe('main');
    expect(repo.license.spdx_id).toBe('MIT');
    const license = (await (await get(`${gh.url}/repos/openai/whisper/license`)).json()) as { content: string };
    expect(Buffer.from(license.content, 'base64').toString()).toMatch(/^MIT License/);
    // GitHub's shape: the contents-API entry, base64 wrapped every 60 characters, and the detected license.
    expect(license).toMatchObject({ name: 'LICENSE', path: 'LICENSE', type: 'file', encoding: 'base64', license: { key: 'mit', spdx_id: 'MIT' } });
    expect(license).toHaveProperty('download_url', 'https://raw.githubusercontent.com/openai/whisper/main/LICENSE');
    expect(license.content.split('\n').every((line) => line.length <= 60)).toBe(true);
    const redirect = await get(`${gh.url}/repos/openai/whisper/zipball/main`);
    expect(redirect.status).toBe(302);
    const zip = Buffer.from(await (await get(redirect.headers.get('location') ?? '')).arrayBuffer());
    const path = join(mkdtempSync(join(tmpdir(), 'mg-gh-')), 'w.zip');
    writeFileSync(path, zip);
    const names = execFileSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', path]).toString().trim().split('\n');
    expect(names).toContain(`${gh.zipRootOf('openai/whisper')}/whisper/__init__.py`);
    expect(names.every((n) => n.startsWith('openai-whisper-c0d2f62/'))).toBe(true);
    expect((await get(`${gh.url}/repos/openai/whisper/zipball/nope`)).status).toBe(404);
    expect((await get(`${gh.url}/repos/nobody/nothing`)).status).toBe(404);
  });

  it('serves recorded contributors, pulls, reviews and statistics in GitHub\'s wire format, paginated by Link', async () => {
    const first = await get(`${gh.url}/repos/google-research/bert/contributors?per_page=20`);
    expect(first.headers.get('link')).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/repos\/google-research\/bert\/contributors\?per_page=20&page=2>; rel="next"/);
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    const people = (await first.json()) as Array<{ login: string; contributions: number }>;
    expect(people[0]).toMatchObject({ login: 'jacobdevlin-google', contributions: 63 });
    const list = (await (await get(`${gh.url}/repos/google-research/bert/pulls?state=closed&sort=updated&direction=desc&base=master`)).json()) as Array<Record<string, unknown>>;
    expect(list[0].number).toBe(1050);
    expect(list.every((p) => !('additions' in p) && (p.base as { ref: string }).ref === 'master')).toBe(true);
    expect(((await (await get(`${gh.url}/repos/google-research/bert/pulls`)).json()) as unknown[]).length).toBe(0); // state=open by default
    const pull = (await (await get(`${gh.url}/repos/google-research/bert/pulls/923`)).json()) as { additions: number; merged: boolean };
    expect(pull).toMatchObject({ additions: 210, merged: true });
    const reviews = (await (await get(`${gh.url}/repos/google-research/bert/pulls/923/reviews`)).json()) as Array<{ state: string }>;
    expect(reviews.map((r) => r.state)).toEqual(['APPROVED']);
    gh.setStatsPending(1);
    expect((await get(`${gh.url}/repos/google-research/bert/stats/contributors`)).status).toBe(202);
    const stats = (await (await get(`${gh.url}/repos/google-research/bert/stats/contributors`)).json()) as Array<{ weeks: unknown[] }>;
    expect(stats.length).toBeGreaterThan(5);
    // Fixtures without a recording say so with a 404 rather than pretend to have no history.
    expect((await get(`${gh.url}/repos/openai/whisper/contributors`)).status).toBe(404);
  });

  it('switches to 404, rate-limited 403 or silence, and spends a rate-limit budget', async () => {
    gh.failWith('not-found', '/contributors');
    expect((await get(`${gh.url}/repos/google-research/bert/contributors`)).status).toBe(404);
    expect((await get(`${gh.url}/repos/google-research/bert`)).status).toBe(200);
    gh.clearFailures();
    gh.setRateLimitRemaining(1);
    expect((await get(`${gh.url}/repos/google-research/bert`)).status).toBe(200);
    const limited = await get(`${gh.url}/repos/google-research/bert`);
    expect([limited.status, limited.headers.get('x-ratelimit-remaining')]).toEqual([403, '0']);
    expect(((await limited.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
    gh.setRateLimitRemaining(5000);
    gh.failWith('hang', '/stats/');
    await expect(get(`${gh.url}/repos/google-research/bert/stats/contributors`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    gh.clearFailures();
  });
});
