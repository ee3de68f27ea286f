import { type ScanPendingV1, Topic } from '@modelguard/contracts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';
import type { VersionView } from './packages/versions.service';

/**
 * Versions named by their source: an upload's own `?version=`, a Hugging Face tag (the fake ingest reports one for
 * `…tagged-<tag>` URLs) shown as the label; queries, downloads, the override and the scan-report proxy use that name.
 */
describe('gateway version names', () => {
  let app: GatewayTestApp;
  let token: string;
  let scan: Server;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const names = (vs: VersionView[]) => vs.map((v) => [v.version, v.version_key, v.version_label]);
  const versions = async (id: string, query?: string): Promise<VersionView[]> => {
    const res = await call<VersionView[]>('GET', `/artifacts/model/${id}/versions${query === undefined ? '' : `?query=${encodeURIComponent(query)}`}`, { token });
    expect(res.status, res.raw.toString()).toBe(200);
    return res.body;
  };
  const shown = async (id: string, query: string) => (await versions(id, query)).map((v) => v.version);
  const scanned = async (id: string, name: string, key: string, verdict: 'clean' | 'blocked' = 'clean') =>
    app.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name, version: key, verdict, reportId: `r-${key}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
  /** The key of the version a download with `?version=` serves. */
  const downloaded = async (id: string, version: string): Promise<number | string> => {
    const res = await call('GET', `/artifacts/model/${id}/download?version=${encodeURIComponent(version)}`, { token });
    return res.status === 200 ? (res.headers.get('x-modelguard-version') ?? 'no header') : res.status;
  };
  const createFrom = async (url: string): Promise<CreatedArtifact['metadata']> => {
    const res = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    expect(res.status, res.raw.toString()).toBe(201);
    return res.body.metadata;
  };
  const putUrl = async (a: CreatedArtifact['metadata'], url: string) => {
    const res = await call('PUT', `/artifacts/model/${a.id}`, { token, json: { metadata: a, data: { url } } });
    expect(res.status, res.raw.toString()).toBe(200);
  };

  beforeAll(async () => {
    // The scan service's /internal scan-report: answers "queued" for whichever version key it is asked about.
    scan = createServer((req, res) => {
      const m = /^\/internal\/artifacts\/([^/?]+)\/scan-report\?version=(.+)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      const body: ScanPendingV1 = { artifactId: m[1], version: decodeURIComponent(m[2]), status: 'pending' };
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => scan.listen(0, '127.0.0.1', r));
    app = await startGatewayTestApp({ env: { SCAN_URL: `http://127.0.0.1:${(scan.address() as AddressInfo).port}`, MAX_UPLOAD_BYTES: '200000' } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    scan?.close();
  });

  it('an upload may name its version: the key as given (without "v"), 409 when taken, 400 when not semver', async () => {
    const zip = await buildZip({ 'README.md': '# named', 'model.bin': Buffer.alloc(100, 7) });
    const upload = (path: string) => call<{ version?: string; error?: string }>(path.startsWith('/artifact/') ? 'POST' : 'PUT', path, { token, rawBody: zip, contentType: 'application/zip' });
    const created = await upload('/artifact/model/package?name=named-upload&version=v2.0.0');
    expect(created.status, created.raw.toString()).toBe(201);
    const { id } = (created.body as unknown as CreatedArtifact).metadata;
    const put = (query: string) => upload(`/artifacts/model/${id}/package${query}`);

    expect((await put('?version=2.1.0-rc.1')).body.version).toBe('2.1.0-rc.1');
    const taken = await put('?version=v2.0.0');
    expect([taken.status, taken.body.error]).toEqual([409, 'this artifact already has a version 2.0.0']);
    expect((await put('?version=2.1.0-rc.1')).status).toBe(409);
    for (const bad of ['latest', '2.1', '2.1.0+build.7', '%00', '1'.repeat(80)]) {
      expect((await put(`?version=${bad}`)).status, bad).toBe(400);
      expect((await upload(`/artifact/model/package?name=bad-version&version=${bad}`)).status, bad).toBe(400);
    }
    expect((await put('?version=2.1.0')).body.version).toBe('2.1.0');
    // Unnamed: the counter (ordinal 3 → 1.0.3).
    expect((await put('')).body.version).toBe('1.0.3');

    expect(names(await versions(id))).toEqual([
      ['2.0.0', '2.0.0', null],
      ['2.1.0-rc.1', '2.1.0-rc.1', null],
      ['2.1.0', '2.1.0', null],
      ['1.0.3', '1.0.3', null],
    ]);
    // npm semantics: a pre-release matches no range of plain versions.
    expect(await shown(id, '^2.0.0')).toEqual(['2.0.0', '2.1.0']);
    expect(await shown(id, '1.0.0-2.0.0')).toEqual(['2.0.0', '1.0.3']);
    await scanned(id, 'named-upload', '2.1.0-rc.1');
    expect(await downloaded(id, 'v2.1.0-rc.1')).toBe('2.1.0-rc.1');
    expect(app.broker.messages(Topic.PackageUploadedV2).filter((m) => m.key === id).map((m) => (JSON.parse(m.value) as { payload: { version: string } }).payload.version)).toEqual([
      '2.0.0',
      '2.1.0-rc.1',
      '2.1.0',
      '1.0.3',
    ]);
  });

  it('the counter skips a version an upload already named (URL PUT and upload PUT alike)', async () => {
    const a = await createFrom('https://huggingface.co/acme/counter-skips');
    const zip = await buildZip({ 'README.md': '# skip' });
    const named = await call<{ version: string }>('PUT', `/artifacts/model/${a.id}/package?version=1.0.1`, { token, rawBody: zip, contentType: 'application/zip' });
    expect(named.body.version).toBe('1.0.1');
    await call('PUT', `/artifacts/model/${a.id}/package?version=1.0.3`, { token, rawBody: zip, contentType: 'application/zip' });
    // Ordinal 3 would be 1.0.3, taken: the URL PUT gets 1.0.4.
    await putUrl(a, 'https://huggingface.co/acme/counter-skips-v2');
    expect((await versions(a.id)).map((v) => v.version_key)).toEqual(['1.0.0', '1.0.1', '1.0.3', '1.0.4']);
  });

  it('a Hugging Face tag becomes the label: listed, queried, downloaded, overridden and asked about by it', async () => {
    const a = await createFrom('https://huggingface.co/acme/model-tagged-v1.2.0');
    await putUrl(a, 'https://huggingface.co/acme/model-tagged-1.3.1');
    await putUrl(a, 'https://huggingface.co/acme/model-tagged-nightly');
    await putUrl(a, 'https://huggingface.co/acme/model-untagged');
    expect(names(await versions(a.id))).toEqual([
      ['1.2.0', '1.0.0', '1.2.0'],
      ['1.3.1', '1.0.1', '1.3.1'],
      ['1.0.2', '1.0.2', null],
      ['1.0.3', '1.0.3', null],
    ]);
    expect(await shown(a.id, '~1.2.0')).toEqual(['1.2.0']);
    expect(await shown(a.id, '^1.0.0')).toEqual(['1.2.0', '1.3.1', '1.0.2', '1.0.3']);
    expect(await shown(a.id, '1.3.1')).toEqual(['1.3.1']);
    expect(await shown(a.id, '1.0.2-1.2.5')).toEqual(['1.2.0', '1.0.2', '1.0.3']);
    // Queries see the label, not the key behind it.
    expect(await shown(a.id, '1.0.0')).toEqual([]);

    for (const key of ['1.0.0', '1.0.2', '1.0.3']) await scanned(a.id, a.name, key);
    await scanned(a.id, a.name, '1.0.1', 'blocked');
    expect(await downloaded(a.id, '1.2.0')).toBe('1.0.0');
    expect(await downloaded(a.id, 'v1.2.0')).toBe('1.0.0');
    // A key stays addressable exactly (it is what events and X-ModelGuard-Version carry).
    expect(await downloaded(a.id, '1.0.0')).toBe('1.0.0');
    expect(await downloaded(a.id, '1.3.1')).toBe(403);
    expect(await downloaded(a.id, '9.9.9')).toBe(404);
    expect(await downloaded(a.id, '\u0000')).toBe(404);

    const override = await call<VersionView>('POST', `/artifacts/model/${a.id}/versions/v1.3.1/override`, { token, json: { reason: 'reviewed' } });
    expect([override.status, override.body.version, override.body.version_key]).toEqual([200, '1.3.1', '1.0.1']);
    expect(await downloaded(a.id, '1.3.1')).toBe('1.0.1');
    const updated = app.broker.messages(Topic.ArtifactUpdated).map((m) => (JSON.parse(m.value) as { payload: { artifactId: string; version: string; override?: unknown } }).payload);
    expect(updated.filter((p) => p.artifactId === a.id).map((p) => p.version)).toContain('1.0.1');
    // The override event carries who (actor), why and the verdict set aside, for the audit trail.
    expect(updated.filter((p) => p.artifactId === a.id && p.override !== undefined)).toEqual([
      expect.objectContaining({ version: '1.0.1', actor: expect.objectContaining({ isAdmin: true }), override: { reason: 'reviewed', overridden: 'blocked' } }),
    ]);

    const report = await call<ScanPendingV1>('GET', `/artifacts/model/${a.id}/scan-report?version=1.3.1`, { token });
    expect([report.status, report.body.version]).toEqual([202, '1.0.1']);

    // The same tag ingested again by a later PUT: both are listed, exact selection takes the later one.
    await putUrl(a, 'https://huggingface.co/acme/model-tagged-v1.2.0/tree/main');
    await scanned(a.id, a.name, '1.0.4');
    expect(await shown(a.id, '1.2.0')).toEqual(['1.2.0', '1.2.0']);
    expect(await downloaded(a.id, '1.2.0')).toBe('1.0.4');
    // The counter never hands out a name that a label already shows.
    const res = await call<{ version: string }>('PUT', `/artifacts/model/${a.id}/package`, { token, rawBody: await buildZip({ 'a.txt': 'a' }), contentType: 'application/zip' });
    expect(res.body.version).toBe('1.0.5');
    const upload = await call('PUT', `/artifacts/model/${a.id}/package?version=1.3.1`, { token, rawBody: await buildZip({ 'a.txt': 'a' }), contentType: 'application/zip' });
    expect(upload.status).toBe(409);
  });
});
