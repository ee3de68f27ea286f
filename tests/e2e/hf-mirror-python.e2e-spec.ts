import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { benignAndEvilModels, type HfMirrorFixture, startHfMirrorFixture } from './support/hf-mirror-fixture';
import { ensurePythonHfHub, HF_HUB_PY_VERSION, type PythonHfHub, pythonCacheDir, type PyResult, runHfHub } from './support/python-hf-hub';

const { benign: BENIGN, evil: EVIL, models: MODELS } = benignAndEvilModels('py-fixtures', 1_500_000);

/** The README's Python snippet ("Use ModelGuard as your HF_ENDPOINT"), which this spec runs. */
function readmeSnippet(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use ModelGuard as your HF_ENDPOINT'));
  const code = /```python\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README has no Python snippet under "Use ModelGuard as your HF_ENDPOINT"');
  return code;
}

/**
 * The scan-gated HF mirror driven by the real Python `huggingface_hub` (pinned, in a venv the test builds), as a user
 * runs it: HF_ENDPOINT = ModelGuard, HF_TOKEN = an `hf_` token minted through the API, HF_HUB_CACHE a temp dir, one
 * process per call. One registry boot for every case.
 */
describe(`HF mirror: huggingface_hub ${HF_HUB_PY_VERSION} (Python) against ModelGuard`, () => {
  const cache = pythonCacheDir();
  let py: PythonHfHub = { python: null, skipped: 'the venv was not built' };
  let f: HfMirrorFixture;
  const hub = (op: string, args: Record<string, unknown>): Promise<PyResult> =>
    runHfHub(py.python ?? 'python3', op, args, { endpoint: f.app.url, token: f.accessToken, cacheDir: cache.cacheDir });
  const resolveGets = (r: PyResult, file: string) => r.requests.filter((q) => q.startsWith('GET ') && q.includes('/resolve/') && q.endsWith(`/${file}`));

  beforeAll(async () => {
    py = await ensurePythonHfHub();
    // A machine without a pip index skips these cases, loudly: they never pass without running the client.
    if (py.skipped !== null) {
      console.warn(`\n*** SKIPPING the huggingface_hub (Python) e2e cases: ${py.skipped}\n`);
      return;
    }
    f = await startHfMirrorFixture({
      hub: {
        models: MODELS,
        datasets: [],
      },
      github: true,
      // The scan gate is what this suite shows; the rating gate has its own suites.
      env: { GATEWAY_RATING_GATE: 'false', GATEWAY_HF_MIRROR_WAIT_MS: '90000' },
    });
  }, 420_000);

  beforeEach((ctx) => {
    if (py.skipped !== null) ctx.skip(`huggingface_hub venv unavailable: ${py.skipped.slice(0, 200)}`);
  });

  afterAll(async () => {
    await f?.close();
    cache.remove();
  });

  it('pulls a model through for model_info, list_repo_files, hf_hub_download and snapshot_download, byte-identical', { timeout: 240_000 }, async () => {
    expect((await hub('version', {})).version).toBe(HF_HUB_PY_VERSION);
    expect(f.upstreamHits(BENIGN)).toBe(0);
    const upstream = f.hf.filesOf(BENIGN);
    const paths = upstream.map((u) => u.path).sort();

    const info = await hub('info', { repo: BENIGN });
    expect(info.ok, JSON.stringify(info)).toBe(true);
    expect(info['id']).toBe(BENIGN);
    expect(info['sha']).toMatch(/^[0-9a-f]{40}$/);
    expect(info['siblings']).toEqual(paths);
    expect(f.upstreamHits(BENIGN)).toBeGreaterThan(0);

    const files = await hub('files', { repo: BENIGN });
    expect(files.ok, JSON.stringify(files)).toBe(true);
    expect(files['files']).toEqual(paths);

    for (const file of upstream) {
      const got = await hub('download', { repo: BENIGN, filename: file.path });
      expect(got.ok, JSON.stringify(got)).toBe(true);
      expect(readFileSync(got['path'] as string).equals(file.data), file.path).toBe(true);
      // Cached under ModelGuard's commit, fetched over plain HTTP from ModelGuard: never Xet, never another host.
      expect(got['path'] as string).toContain(`/snapshots/${info['sha'] as string}/`);
      expect(got.requests.every((q) => q.includes(` ${f.app.url}/`)), got.requests.join('\n')).toBe(true);
      expect(got.requests.some((q) => /xet/i.test(q)), got.requests.join('\n')).toBe(false);
      expect(got.stderr.trim(), file.path).toBe('');
    }

    // Into an empty cache (the one above holds every file, so a snapshot there would download nothing).
    const fresh = pythonCacheDir();
    try {
      const snap = await runHfHub(py.python ?? 'python3', 'snapshot', { repo: BENIGN }, { endpoint: f.app.url, token: f.accessToken, cacheDir: fresh.cacheDir });
      expect(snap.ok, JSON.stringify(snap)).toBe(true);
      for (const file of upstream) expect(readFileSync(join(snap['folder'] as string, file.path)).equals(file.data), file.path).toBe(true);
      expect(resolveGets(snap, 'model.safetensors'), snap.requests.join('\n')).toHaveLength(1);
      // Nothing the client found odd about the answers (it warns on stderr, e.g. of missing headers).
      for (const r of [info, files, snap]) expect(r.stderr.trim()).toBe('');
    } finally {
      fresh.remove();
    }
  });

  it('answers a second hf_hub_download from the client cache: a HEAD, no GET of the file, nothing upstream', { timeout: 120_000 }, async () => {
    const first = await hub('download', { repo: BENIGN, filename: 'model.safetensors' });
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const upstreamBefore = f.hf.requests.length;
    const again = await hub('download', { repo: BENIGN, filename: 'model.safetensors' });
    expect(again.ok, JSON.stringify(again)).toBe(true);
    expect(again['path']).toBe(first['path']);
    expect(again.requests.filter((q) => q.startsWith('HEAD ') && q.includes('/resolve/'))).toHaveLength(1); // it asked ModelGuard for the ETag…
    expect(resolveGets(again, 'model.safetensors')).toEqual([]); // …and found the file in its cache
    expect(f.hf.requests.length).toBe(upstreamBefore);
    // The same call into an empty cache does GET it, so the check above can fail.
    const fresh = pythonCacheDir();
    try {
      const cold = await runHfHub(py.python ?? 'python3', 'download', { repo: BENIGN, filename: 'model.safetensors' }, { endpoint: f.app.url, token: f.accessToken, cacheDir: fresh.cacheDir });
      expect(resolveGets(cold, 'model.safetensors')).toHaveLength(1);
    } finally {
      fresh.remove();
    }
  });

  it('refuses a model carrying a malicious pickle with a GatedRepoError naming the scan finding', { timeout: 240_000 }, async () => {
    const refused = await hub('download', { repo: EVIL, filename: 'pytorch_model.bin' });
    // Not the LocalEntryNotFoundError ("check your connection") huggingface_hub makes of any other 403 on its HEAD.
    expect(refused.error, JSON.stringify(refused)).toBe('GatedRepoError');
    expect(refused.status).toBe(403);
    expect(refused.errorCode).toBe('GatedRepo');
    expect(refused.errorMessage).toMatch(/ModelGuard refused .*evil-pickle.*blocked/i);
    // What the user reads: the exception's own message carries X-Error-Message, naming the finding.
    expect(refused.message).toMatch(/ModelGuard refused .*evil-pickle.*blocked/i);
    expect(refused.message).toMatch(/system/);
    // A file the scanner passed is not served from a blocked package either, and nothing reached the cache.
    const config = await hub('download', { repo: EVIL, filename: 'config.json' });
    expect([config.error, config.status, config.errorMessage]).toEqual(['GatedRepoError', 403, expect.stringMatching(/blocked/)]);
    expect(resolveGets(refused, 'pytorch_model.bin')).toEqual([]);
  });

  it('raises RepositoryNotFoundError for a repo that exists nowhere', { timeout: 120_000 }, async () => {
    for (const [op, args] of [
      ['info', { repo: 'nobody-here/no-such-model' }],
      ['download', { repo: 'nobody-here/no-such-model', filename: 'config.json' }],
    ] as const) {
      const missing = await hub(op, args);
      expect(missing.error, JSON.stringify(missing)).toBe('RepositoryNotFoundError');
      expect(missing.status).toBe(404);
      expect(missing.errorCode).toBe('RepoNotFound');
    }
  });

  it("runs the README's Python snippet as written (but for endpoint, token and repo)", { timeout: 120_000 }, async () => {
    const code = readmeSnippet();
    const placeholders = ['http://modelguard.internal:3000', 'hf_...', 'google-bert/bert-base-uncased'];
    for (const p of placeholders) expect(code, p).toContain(p);
    const ours = code.replaceAll(placeholders[0] ?? '', f.app.url).replaceAll(placeholders[1] ?? '', f.accessToken).replaceAll(placeholders[2] ?? '', BENIGN);
    const fresh = pythonCacheDir();
    try {
      // No HF_ENDPOINT / HF_TOKEN in the environment: the snippet sets them itself.
      const ran = await runHfHub(py.python ?? 'python3', 'snippet', { code: ours, names: ['config', 'folder'] }, { cacheDir: fresh.cacheDir });
      expect(ran.ok, JSON.stringify(ran)).toBe(true);
      const upstream = f.hf.filesOf(BENIGN);
      expect(readFileSync(ran['config'] as string).equals(upstream.find((u) => u.path === 'config.json')?.data ?? Buffer.alloc(1))).toBe(true);
      for (const file of upstream) expect(readFileSync(join(ran['folder'] as string, file.path)).equals(file.data), file.path).toBe(true);
    } finally {
      fresh.remove();
    }
  });
});
