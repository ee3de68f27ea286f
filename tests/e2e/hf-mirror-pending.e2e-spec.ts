import { downloadFile, modelInfo } from '@huggingface/hub';
import { type EmbeddedApp } from '@modelguard/embedded';
import { type GatedUpstream, startGatedUpstream } from '@modelguard/ingest-feature/testing';
import { expectEventually, type FakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HfMirrorFixture, startHfMirrorFixture } from './support/hf-mirror-fixture';

const HELD = 'slow-org/held-model';
const MISSING = 'nowhere-org/no-such-model';

/**
 * Issue 12 point 2, the waiting part of the pull-through, with the real `@huggingface/hub` client: while the ingest
 * is still downloading (the fake Hub behind a proxy that holds the file's body) and the mirror's wait
 * (GATEWAY_HF_MIRROR_WAIT_MS) is over, the client gets the documented retryable answer (409 ModelGuardPending with
 * Retry-After); once the bytes arrive and the package is stored and scanned, the same calls succeed byte-identical.
 * And a repo that exists nowhere is asked of the upstream once: the next lookup is answered from the negative cache.
 */
describe('HF mirror: a pending pull-through answers retryable, then serves; a missing repo is not re-asked', () => {
  let f: HfMirrorFixture | undefined;
  let hf: FakeHuggingFace;
  let proxy: GatedUpstream;
  let app: EmbeddedApp;
  let accessToken: string;
  const client = () => ({ hubUrl: app.url, accessToken });
  const upstreamHits = (repo: string) => hf.requests.filter((r) => r.path.includes(repo)).length;
  const failureOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error & { statusCode?: number });

  beforeAll(async () => {
    f = await startHfMirrorFixture({
      hub: { models: [{ id: HELD, files: { 'README.md': '# held\nslow to fetch\n', 'config.json': '{"model_type": "bert"}' } }], datasets: [] },
      upstreamUrl: async (hub) => {
        proxy = await startGatedUpstream(hub.url, /\/resolve\//, 1);
        return proxy.url;
      },
      env: {
        UPSTREAM_REQUEST_TIMEOUT_MS: '60000',
        GATEWAY_RATING_GATE: 'false',
        // Short, so the held download outlasts the wait and the client sees the pending answer.
        GATEWAY_HF_MIRROR_WAIT_MS: '1000',
      },
    });
    ({ hf, app, accessToken } = f);
  }, 420_000);

  afterAll(async () => {
    proxy?.release();
    await f?.close();
    await proxy?.close();
  });

  it('answers 409 ModelGuardPending with Retry-After while the ingest is held, then serves the model once stored', { timeout: 180_000 }, async () => {
    const pending = await failureOf(modelInfo({ name: HELD, ...client() }));
    expect(pending?.statusCode).toBe(409);
    expect(pending?.message).toMatch(/still ingesting/);
    await proxy.whenHeld();

    // What the client does not show: the retry hint and the code, on the info and on a file.
    for (const path of [`/api/models/${HELD}`, `/${HELD}/resolve/main/config.json`]) {
      const raw = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(raw.status, path).toBe(409);
      expect(raw.headers.get('x-error-code'), path).toBe('ModelGuardPending');
      expect(Number(raw.headers.get('retry-after')), path).toBeGreaterThan(0);
      await raw.arrayBuffer();
    }
    expect((await failureOf(downloadFile({ repo: HELD, path: 'config.json', ...client() })))?.statusCode).toBe(409);

    proxy.release();
    // Stored, then scanned: until the scan's verdict a file is still 409 (waiting for its security scan), then served.
    const info = await expectEventually(async () => modelInfo({ name: HELD, additionalFields: ['sha'], ...client() }), { timeoutMs: 60_000, intervalMs: 500 });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    await expectEventually(async () => expect(await downloadFile({ repo: HELD, path: 'config.json', ...client() })).not.toBeNull(), { timeoutMs: 60_000, intervalMs: 500 });
    for (const file of hf.filesOf(HELD)) {
      const blob = await downloadFile({ repo: HELD, path: file.path, ...client() });
      expect(blob, file.path).not.toBeNull();
      expect(Buffer.from(await (blob as Blob).arrayBuffer()).equals(file.data), file.path).toBe(true);
    }
  });

  it('asks the upstream about a repo that exists nowhere once: the next lookups are answered from the negative cache', { timeout: 60_000 }, async () => {
    const first = await failureOf(modelInfo({ name: MISSING, ...client() }));
    expect(first?.statusCode).toBe(404);
    const asked = upstreamHits(MISSING);
    expect(asked).toBeGreaterThan(0);

    const again = await failureOf(modelInfo({ name: MISSING, ...client() }));
    expect(again?.statusCode).toBe(404);
    // Any spelling of the id (the Hub's are case-insensitive), and a file of it: still RepoNotFound, still not asked.
    const raw = await fetch(`${app.url}/${MISSING.toUpperCase()}/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(404);
    expect(raw.headers.get('x-error-code')).toBe('RepoNotFound');
    expect(upstreamHits(MISSING)).toBe(asked);
    // An existing repo is unaffected by the cache (it was mirrored above and is served from the registry).
    expect((await modelInfo({ name: HELD, ...client() })).name).toBe(HELD);
  });
});
