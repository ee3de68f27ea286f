import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, listFiles, modelInfo, snapshotDownload, type ListFileEntry } from '@huggingface/hub';
import { type EmbeddedApp } from '@modelguard/embedded';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { OpenApiContract } from '@modelguard/gateway-feature/testing';
import { expectEventually, type FakeHuggingFace } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignAndEvilModels, type HfMirrorFixture, startHfMirrorFixture } from './support/hf-mirror-fixture';

const { benign: BENIGN, evil: EVIL, models: MODELS } = benignAndEvilModels('mirror-fixtures', 3_000_000);

/**
 * The scan-gated Hugging Face mirror end to end, with the real `@huggingface/hub` client pointed at ModelGuard
 * (`hubUrl`), everything in one process (`npm start`'s composition) and the fake Hub as HF_ENDPOINT: repos pulled
 * through on first request, byte-identical downloads, the client's cache honoured, gate refusals in the client's
 * error, and hostile requests answered 4xx.
 */
describe('HF mirror: @huggingface/hub against ModelGuard (pull-through from the fake Hub)', () => {
  const contract = new OpenApiContract();
  const cacheDir = mkdtempSync(join(tmpdir(), 'mg-hf-cache-'));
  let f: HfMirrorFixture | undefined;
  let hf: FakeHuggingFace;
  let app: EmbeddedApp;
  let admin: string;
  let accessToken: string;
  /** Every URL the client fetched from ModelGuard, to show what a cached pull does not download. */
  const fetched: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    fetched.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(input, init);
  };
  const client = () => ({ hubUrl: app.url, accessToken, fetch: recordingFetch });
  const upstreamHits = (repo: string) => hf.requests.filter((r) => r.path.includes(repo)).length;

  beforeAll(async () => {
    f = await startHfMirrorFixture({
      hub: {
        models: MODELS,
        datasets: [],
      },
      github: true,
      env: {
        // The scan gate is what this suite shows; the rating gate has its own suite (ingest-gate.e2e-spec.ts).
        GATEWAY_RATING_GATE: 'false',
        GATEWAY_HF_MIRROR_WAIT_MS: '90000',
        GATEWAY_HF_MIRROR_DENY: 'denied-org',
      },
    });
    ({ hf, app, admin, accessToken } = f);
    const minted = f.minted;
    expect(minted?.status).toBe(201);
    expect(contract.check('POST', `/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, 201, minted?.contentType ?? null, minted?.body)).toEqual([]);
  }, 420_000);

  afterAll(async () => {
    await f?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('pulls a model through on first request and serves it byte-identical to the upstream', { timeout: 240_000 }, async () => {
    expect(upstreamHits(BENIGN)).toBe(0);
    const info = await modelInfo({ name: BENIGN, additionalFields: ['sha', 'filePaths'], ...client() });
    expect(info.name).toBe(BENIGN);
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    const upstream = hf.filesOf(BENIGN);
    expect([...info.filePaths].sort()).toEqual(upstream.map((f) => f.path).sort());
    expect(upstreamHits(BENIGN)).toBeGreaterThan(0);

    const listed: ListFileEntry[] = [];
    for await (const entry of listFiles({ repo: BENIGN, recursive: true, ...client() })) listed.push(entry);
    expect(listed.filter((e) => e.type === 'file').map((e) => e.path).sort()).toEqual(upstream.map((f) => f.path).sort());
    expect(listed.find((e) => e.path === 'tokenizer')?.type).toBe('directory');

    for (const file of upstream) {
      const blob = await downloadFile({ repo: BENIGN, path: file.path, ...client() });
      expect(blob, file.path).not.toBeNull();
      expect(Buffer.from(await blob!.arrayBuffer()).equals(file.data), file.path).toBe(true);
    }
    expect(await downloadFile({ repo: BENIGN, path: 'no/such/file.bin', ...client() })).toBeNull();

    // The headers huggingface_hub reads on its HEAD: commit, the SHA-256 ETag it caches by, the size.
    const weights = upstream.find((f) => f.path === 'model.safetensors')!;
    const head = await fetch(`${app.url}/${BENIGN}/resolve/main/model.safetensors`, { method: 'HEAD', headers: { authorization: `Bearer ${accessToken}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(`"${weights.sha256}"`);
    expect(head.headers.get('x-linked-etag')).toBe(`"${weights.sha256}"`);
    expect(head.headers.get('x-linked-size')).toBe(String(weights.data.length));
    expect(head.headers.get('content-length')).toBe(String(weights.data.length));
    expect(head.headers.get('x-repo-commit')).toBe(info.sha);
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    const ranged = await fetch(`${app.url}/${BENIGN}/resolve/${info.sha}/model.safetensors`, { headers: { authorization: `Bearer ${accessToken}`, range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${weights.data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(weights.data.subarray(1000, 2000))).toBe(true);
  });

  it('snapshots into the client cache, and a second snapshot downloads nothing and never reaches the upstream', { timeout: 240_000 }, async () => {
    const folder = await snapshotDownload({ repo: BENIGN, cacheDir, ...client() });
    for (const file of hf.filesOf(BENIGN)) expect(readFileSync(join(folder, file.path)).equals(file.data), file.path).toBe(true);
    const upstreamBefore = hf.requests.length;
    fetched.length = 0;
    const again = await snapshotDownload({ repo: BENIGN, cacheDir, ...client() });
    expect(again).toBe(folder);
    expect(fetched.length).toBeGreaterThan(0); // it did ask ModelGuard for the commit and the listing…
    expect(fetched.filter((u) => u.includes('/resolve/'))).toEqual([]); // …and found every file in its cache
    expect(hf.requests.length).toBe(upstreamBefore);
  });

  it('refuses a model with a malicious pickle, naming the scan finding in the client error, and audits it', { timeout: 240_000 }, async () => {
    const error = await downloadFile({ repo: EVIL, path: 'pytorch_model.bin', ...client() }).then(
      () => null,
      (e: unknown) => e as Error & { statusCode?: number },
    );
    expect(error).not.toBeNull();
    expect(error!.statusCode).toBe(403);
    expect(error!.message).toMatch(/ModelGuard refused .*evil-pickle.*blocked/i);
    expect(error!.message).toMatch(/system/);
    const raw = await fetch(`${app.url}/${EVIL}/resolve/main/pytorch_model.bin`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-error-code')).toBe('GatedRepo');
    expect(raw.headers.get('x-modelguard-error-code')).toBe('ModelGuardScanBlocked');
    expect(raw.headers.get('x-error-message')).toMatch(/blocked/);
    // Even a file the scanner passed is not served from a blocked package.
    expect((await fetch(`${app.url}/${EVIL}/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(403);
    await expectEventually(
      async () => {
        const res = await fetch(`${app.url}/audit/entries?action=REFUSE&reason=scan-gate`, { headers: { 'X-Authorization': admin } });
        expect(res.status).toBe(200);
        const page = (await res.json()) as { entries: Array<{ refusal: { status: number; route: string } }> };
        expect(page.entries.some((e) => e.refusal.status === 403 && e.refusal.route.includes('resolve'))).toBe(true);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
  });

  it("answers unknown and denied repos with the clients' repository-not-found / refusal, without a download", { timeout: 120_000 }, async () => {
    const missing = await modelInfo({ name: 'nobody-here/no-such-model', ...client() }).catch((e: unknown) => e as Error & { statusCode?: number });
    expect((missing as { statusCode?: number }).statusCode).toBe(404);
    const raw = await fetch(`${app.url}/nobody-here/no-such-model/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.status).toBe(404);
    expect(raw.headers.get('x-error-code')).toBe('RepoNotFound');
    const denied = await fetch(`${app.url}/api/models/denied-org/anything`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-modelguard-error-code')).toBe('ModelGuardUpstreamDenied');
    expect(hf.requests.some((r) => r.path.includes('denied-org'))).toBe(false);
  });

  it('accepts only live hf_ tokens on the mirror, and hf_ tokens nowhere else', { timeout: 60_000 }, async () => {
    const url = `${app.url}/api/models/${BENIGN}`;
    expect((await fetch(url)).status).toBe(401); // anonymous access is off by default
    expect((await fetch(url, { headers: { authorization: `Bearer ${admin.replace(/^bearer /, '')}` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer hf_notarealtokenatallnotarealtoken' } })).status).toBe(401);
    expect((await fetch(`${app.url}/artifacts/model/x`, { headers: { 'x-authorization': `bearer ${accessToken}` } })).status).toBe(403);
    const minted = await fetch(`${app.url}/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, { method: 'POST', headers: { 'x-authorization': admin } });
    const { token, id } = (await minted.json()) as { token: string; id: string };
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const revoked = await fetch(`${app.url}/users/${DEFAULT_ADMIN_NAME}/hf-tokens/${id}`, { method: 'DELETE', headers: { 'x-authorization': admin } });
    expect(revoked.status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const listing = await fetch(`${app.url}/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, { headers: { 'x-authorization': admin } });
    const rows = (await listing.json()) as Array<{ id: string; revoked: boolean }>;
    expect(contract.check('GET', `/users/${DEFAULT_ADMIN_NAME}/hf-tokens`, 200, listing.headers.get('content-type'), rows)).toEqual([]);
    expect(rows.find((r) => r.id === id)?.revoked).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('answers hostile paths, unknown revisions and bad ranges 4xx, survives a client hanging up mid-file', { timeout: 120_000 }, async () => {
    const auth = { authorization: `Bearer ${accessToken}` };
    const rawStatus = (path: string) =>
      new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
        const target = new URL(app.url);
        const req = httpRequest({ host: target.hostname, port: target.port, path, headers: auth }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, code: res.headers['x-error-code'] as string | undefined });
        });
        req.on('error', reject);
        req.end();
      });
    expect((await rawStatus(`/${BENIGN}/resolve/main/../../../etc/passwd`)).status).toBe(400);
    expect((await rawStatus(`/${BENIGN}/resolve/main/%2e%2e/config.json`)).status).toBe(400);
    expect((await rawStatus('/mirror-fixtures%2Ftiny-encoder/resolve/main/config.json')).status).toBe(400);
    expect((await rawStatus(`/api/models/mirror-fixtures%2Ftiny-encoder`)).status).toBe(400);
    expect((await rawStatus(`/${BENIGN}/resolve/main/${'a'.repeat(10_240)}`)).status).toBe(400);
    expect((await rawStatus(`/${'a'.repeat(10_240)}/x/resolve/main/config.json`)).status).toBe(400);
    expect(await rawStatus(`/${BENIGN}/resolve/no-such-branch/config.json`)).toEqual({ status: 404, code: 'RevisionNotFound' });
    expect(await rawStatus(`/${BENIGN}/resolve/${'0'.repeat(40)}/config.json`)).toEqual({ status: 404, code: 'RevisionNotFound' });
    const past = await fetch(`${app.url}/${BENIGN}/resolve/main/config.json`, { headers: { ...auth, range: 'bytes=999999-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toMatch(/^bytes \*\/\d+$/);

    // Hang up after the first chunk of the 3 MB file; then the registry still serves it whole.
    const controller = new AbortController();
    const partial = await fetch(`${app.url}/${BENIGN}/resolve/main/model.safetensors`, { headers: auth, signal: controller.signal });
    const reader = partial.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.closed.catch(() => undefined);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const whole = await downloadFile({ repo: BENIGN, path: 'model.safetensors', ...client() });
    expect(Buffer.from(await whole!.arrayBuffer()).equals(hf.filesOf(BENIGN).find((f) => f.path === 'model.safetensors')!.data)).toBe(true);
  });

  it('leaves the course API where it was: the mirrored model is an ordinary artifact', { timeout: 60_000 }, async () => {
    const res = await fetch(`${app.url}/artifacts`, { method: 'POST', headers: { 'x-authorization': admin, 'content-type': 'application/json' }, body: JSON.stringify([{ name: '*' }]) });
    expect(res.status).toBe(200);
    const all = (await res.json()) as Array<{ id: string; name: string; type: string }>;
    const mirrored = all.find((a) => a.type === 'model' && BENIGN.endsWith(a.name));
    expect(mirrored).toBeDefined();
    const one = await fetch(`${app.url}/artifacts/model/${mirrored!.id}`, { headers: { 'x-authorization': admin } });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { data: { url: string } }).data.url).toBe(`https://huggingface.co/${BENIGN}`);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it("refuses a sensitive model's file when its monitor program says no, with the program's words in the client error", { timeout: 120_000 }, async () => {
    const mirrored = (await (await fetch(`${app.url}/artifacts`, { method: 'POST', headers: { 'x-authorization': admin, 'content-type': 'application/json' }, body: JSON.stringify([{ name: '*' }]) })).json()) as Array<{ id: string; name: string; type: string }>;
    const id = mirrored.find((a) => a.type === 'model' && BENIGN.endsWith(a.name))!.id;
    const program = "console.log('downloads of this model need an approved ticket'); process.exit(1);\n";
    const put = await fetch(`${app.url}/artifacts/model/${id}/monitor`, { method: 'PUT', headers: { 'x-authorization': admin, 'content-type': 'application/json' }, body: JSON.stringify({ source: program }) });
    expect(put.status).toBe(200);
    const error = await downloadFile({ repo: BENIGN, path: 'config.json', ...client() }).then(
      () => null,
      (e: unknown) => e as Error & { statusCode?: number },
    );
    expect(error?.statusCode).toBe(403);
    expect(error?.message).toMatch(/need an approved ticket/);
    const raw = await fetch(`${app.url}/${BENIGN}/resolve/main/config.json`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(raw.headers.get('x-modelguard-error-code')).toBe('ModelGuardMonitorRefused');
  });
});
