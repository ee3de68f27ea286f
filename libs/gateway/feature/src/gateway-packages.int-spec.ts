import { type ScanPendingV1, type ScanReportV1, Topic } from '@modelguard/contracts';
import { expectEventually } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadEntity } from './persistence/download.entity';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildTraversalZip, buildZip, sha256, unzipToMap } from '../test/zip-test-utils';

const counts = { info: 0, warning: 2, error: 0, critical: 0 };

/** What the scan service's /internal endpoint answers, per the ScanReport query contract. */
function fakeScanReport(artifactId: string): ScanReportV1 {
  const at = new Date().toISOString();
  return {
    reportId: 'r-1', artifactId, artifactType: 'model', name: 'audited', version: '1.0.0', verdict: 'flagged', scannerVerdict: 'suspicious',
    findingCounts: counts, fileCount: 0, cachedFileCount: 0, scanner: { version: 'test', fingerprint: 'f' }, workerId: 'w', startedAt: at, finishedAt: at, files: [],
  };
}

/** Download gate, streamed zips and parts, Range, direct upload and the audit/scan proxies. */
describe('gateway packages API', () => {
  let app: GatewayTestApp;
  let token: string;
  let upstream: Server;
  const auditLog: unknown[] = [];
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const create = async (url: string): Promise<CreatedArtifact> => {
    const res = await call<CreatedArtifact>('POST', '/artifact/model', { token, json: { url } });
    expect(res.status).toBe(201);
    return res.body;
  };
  const scanned = async (a: CreatedArtifact, verdict: 'clean' | 'flagged' | 'blocked', version = '1.0.0'): Promise<void> => {
    const ref = { artifactId: a.metadata.id, artifactType: 'model' as const, name: a.metadata.name };
    await app.publish(Topic.ScanCompleted, { ...ref, version, verdict, reportId: `r-${verdict}`, findingCounts: counts }, a.metadata.id);
  };

  beforeAll(async () => {
    // Fake audit and scan services (their /internal APIs), so the proxies are exercised over real HTTP.
    upstream = createServer((req, res) => {
      const audit = /^\/internal\/artifacts\/([^/]+)\/audit$/.exec(req.url ?? '');
      const scan = /^\/internal\/artifacts\/([^/?]+)\/scan-report(?:\?version=(.+))?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (audit) res.end(JSON.stringify(auditLog));
      else if (scan?.[2] === '9.9.9') res.writeHead(202).end(JSON.stringify({ artifactId: scan[1], version: '9.9.9', status: 'running' } satisfies ScanPendingV1));
      else if (scan?.[2] === '6.6.6') res.end(JSON.stringify({ artifactId: scan[1], verdict: 'flagged', findings: [] }));
      else if (scan && scan[1] !== 'missing') res.end(JSON.stringify(fakeScanReport(scan[1])));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    app = await startGatewayTestApp({ env: { AUDIT_URL: base, SCAN_URL: base, MAX_UPLOAD_BYTES: '200000' } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    upstream?.close();
  });

  it('gates downloads: 409 + Retry-After while the scan is pending, zip with SHA256 manifest once clean', async () => {
    const a = await create('https://huggingface.co/acme/gated');
    const dl = `/artifacts/model/${a.metadata.id}/download`;
    const pending = await call<{ error: string }>('GET', dl, { token });
    expect(pending.status).toBe(409);
    expect(Number(pending.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(pending.body.error).toMatch(/scan/);

    await scanned(a, 'clean');
    const ok = await call<Buffer>('GET', dl, { token });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/zip');
    const files = await unzipToMap(ok.raw);
    expect([...files.keys()].sort()).toEqual(['README.md', 'SHA256SUMS', 'config.json', 'model.safetensors', 'model.sig', 'src/train.py']);
    const sums = files.get('SHA256SUMS')!.toString();
    expect(sums).toContain(`${sha256(files.get('model.safetensors')!)}  model.safetensors`);

    const weights = await unzipToMap((await call<Buffer>('GET', `${dl}?part=weights`, { token })).raw);
    expect([...weights.keys()].filter((k) => k !== 'SHA256SUMS')).toEqual(['model.safetensors']);
    const code = await unzipToMap((await call<Buffer>('GET', `${dl}?part=full&glob=src/**`, { token })).raw);
    expect([...code.keys()].filter((k) => k !== 'SHA256SUMS')).toEqual(['src/train.py']);
    expect((await call('GET', `${dl}?part=everything`, { token })).status).toBe(400);
    expect((await call('GET', `${dl}?version=9.9.9`, { token })).status).toBe(404);

    await expectEventually(() => {
      const events = app.broker.messages(Topic.ArtifactDownloaded).filter((m) => m.key === a.metadata.id);
      expect(events.map((m) => (JSON.parse(m.value) as { payload: { part: string } }).payload.part)).toEqual(['full', 'weights', 'full;glob=src/**']);
    });
    expect(await app.dataSource.getRepository(DownloadEntity).countBy({ artifactId: a.metadata.id })).toBe(3);
  });

  it('matches a catastrophic download glob in linear time, while the process keeps answering (it once stalled for 11.8 s)', async () => {
    const zip = await buildZip({ [`b/${'a'.repeat(40)}`]: 'x', 'README.md': '# globbed' });
    const up = await call<CreatedArtifact>('POST', '/artifact/model/package?name=globbed', { token, rawBody: zip, contentType: 'application/zip' });
    expect(up.status).toBe(201);
    await scanned(up.body, 'clean');
    const glob = encodeURIComponent('b/*a*a*a*a*a*a*a*a*a*a*a*a!');
    const started = Date.now();
    const [download, health] = await Promise.all([call('GET', `/artifacts/model/${up.body.metadata.id}/download?glob=${glob}`, { token }), call('GET', '/health')]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(download.status).toBeLessThan(500);
    expect(health.status).toBe(200);
    const matching = await unzipToMap((await call<Buffer>('GET', `/artifacts/model/${up.body.metadata.id}/download?glob=${encodeURIComponent('b/*a')}`, { token })).raw);
    expect([...matching.keys()].filter((k) => k !== 'SHA256SUMS')).toEqual([`b/${'a'.repeat(40)}`]);
  });

  it('serves the download_url the create response advertised', async () => {
    const a = await create('https://huggingface.co/acme/advertised');
    await scanned(a, 'clean');
    const path = new URL(a.data.download_url).pathname;
    expect((await call('GET', path, { token })).status).toBe(200);
  });

  it('warns on flagged, refuses blocked with the reason, and lets an admin override (audited)', async () => {
    const flagged = await create('https://huggingface.co/acme/flagged');
    await scanned(flagged, 'flagged');
    const warned = await call('GET', `/artifacts/model/${flagged.metadata.id}/download`, { token });
    expect(warned.status).toBe(200);
    expect(warned.headers.get('x-modelguard-scan-warning')).toMatch(/flagged/);

    const blocked = await create('https://huggingface.co/acme/blocked');
    await scanned(blocked, 'blocked');
    const dl = `/artifacts/model/${blocked.metadata.id}/download`;
    const refused = await call<{ error: string }>('GET', dl, { token });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/blocked.*r-blocked/);

    const overridePath = `/artifacts/model/${blocked.metadata.id}/versions/1.0.0/override`;
    expect((await call('POST', overridePath, { token, json: {} })).status).toBe(400);
    const ov = await call<{ override_by: string }>('POST', overridePath, { token, json: { reason: 'false positive, reviewed by security' } });
    expect(ov.status).toBe(200);
    expect(ov.body.override_by).toBe('ece30861defaultadminuser');
    const released = await call('GET', dl, { token });
    expect(released.status).toBe(200);
    expect(released.headers.get('x-modelguard-scan-warning')).toMatch(/released by admin/);
    await expectEventually(() => expect(app.broker.messages(Topic.ArtifactUpdated).some((m) => m.key === blocked.metadata.id)).toBe(true));

    const clean = await create('https://huggingface.co/acme/clean-no-override');
    await scanned(clean, 'clean');
    expect((await call('POST', `/artifacts/model/${clean.metadata.id}/versions/1.0.0/override`, { token, json: { reason: 'x' } })).status).toBe(409);
  });

  it('blocks a version whose scan failed', async () => {
    const a = await create('https://huggingface.co/acme/scan-crash');
    await app.publish(Topic.ScanFailed, { artifactId: a.metadata.id, artifactType: 'model', name: a.metadata.name, version: '1.0.0', reason: 'scanner crashed on file' }, a.metadata.id);
    const res = await call<{ error: string }>('GET', `/artifacts/model/${a.metadata.id}/download`, { token });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/scan failed: scanner crashed/);
  });

  it('serves single files with HTTP Range (206) and 416 beyond the end', async () => {
    const a = await create('https://huggingface.co/acme/ranged');
    await scanned(a, 'clean');
    const path = `/artifacts/model/${a.metadata.id}/files/model.safetensors`;
    const full = await call<Buffer>('GET', path, { token });
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('x-checksum-sha256')).toBe(sha256(full.raw));
    const part = await call<Buffer>('GET', path, { token, headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${full.raw.length}`);
    expect(part.raw).toEqual(full.raw.subarray(10, 20));
    const suffix = await call<Buffer>('GET', path, { token, headers: { Range: 'bytes=-5' } });
    expect(suffix.raw).toEqual(full.raw.subarray(full.raw.length - 5));
    const beyond = await call('GET', path, { token, headers: { Range: `bytes=${full.raw.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${full.raw.length}`);
    const nested = await call<Buffer>('GET', `/artifacts/model/${a.metadata.id}/files/src/train.py`, { token });
    expect(nested.raw.toString()).toBe('print("train")\n');
    expect((await call('GET', `/artifacts/model/${a.metadata.id}/files/nope.bin`, { token })).status).toBe(404);
    expect((await call('GET', `/artifacts/model/${a.metadata.id}/files/..%2F..%2Fetc%2Fpasswd`, { token })).status).toBe(404);
  });

  it('accepts a direct zip upload (streamed) and refuses broken, hostile and oversized archives', async () => {
    const weights = randomBytes(5000);
    const zip = await buildZip({ 'README.md': '# Uploaded\nzebra-crossing-model', 'weights/model.bin': weights, 'config.json': '{}' });
    const up = await call<CreatedArtifact>('POST', '/artifact/model/package?name=uploaded-model', { token, rawBody: zip, contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    expect(up.body.metadata.name).toBe('uploaded-model');
    await scanned(up.body, 'clean');
    const files = await unzipToMap((await call<Buffer>('GET', `/artifacts/model/${up.body.metadata.id}/download`, { token })).raw);
    expect(files.get('weights/model.bin')).toEqual(weights);
    const found = await call<{ name: string }[]>('POST', '/artifact/byRegEx', { token, json: { regex: 'zebra-crossing' } });
    expect(found.body.map((m) => m.name)).toEqual(['uploaded-model']);
    // Uploads have their own topic; ingest's package-stored topic carries only what ingest fetched.
    await expectEventually(() => expect(app.broker.messages(Topic.PackageUploadedV2).some((m) => m.key === up.body.metadata.id)).toBe(true));
    expect(app.broker.messages(Topic.PackageStoredV2).some((m) => m.key === up.body.metadata.id && m.value.includes('"upload"'))).toBe(false);

    const v2 = await call<{ version: string }>('PUT', `/artifacts/model/${up.body.metadata.id}/package`, { token, rawBody: zip, contentType: 'application/zip' });
    expect(v2.body.version).toBe('1.0.1');
    expect((await call('GET', `/artifacts/model/${up.body.metadata.id}/download`, { token })).status).toBe(409);
    expect((await call('GET', `/artifacts/model/${up.body.metadata.id}/download?version=1.0.0`, { token })).status).toBe(200);

    const upload = (body: Buffer, name = 'x') => call<{ error: string }>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: body, contentType: 'application/zip' });
    expect((await upload(Buffer.from('this is not a zip at all'))).status).toBe(400);
    expect((await upload(zip.subarray(0, zip.length - 30))).status).toBe(400);
    const traversal = await upload(await buildTraversalZip());
    expect(traversal.status).toBe(400);
    expect(traversal.body.error).toMatch(/\.\./);
    expect((await upload(Buffer.alloc(300_000, 1))).status).toBe(413);
    expect((await upload(zip, '..%2Fescape')).status).toBe(400);
    expect((await upload(Buffer.alloc(0))).status).toBe(400);
    const bomb = await upload(await buildZip({ 'zeros.bin': Buffer.alloc(150_000) }));
    expect(bomb.status).toBe(400);
    expect(bomb.body.error).toMatch(/compression ratio/);
  });

  it('proxies the audit trail and the scan report, 404 for unknown artifacts', async () => {
    const a = await create('https://huggingface.co/acme/audited');
    auditLog.push({ user: { name: 'ece30861defaultadminuser', is_admin: true }, date: new Date().toISOString(), artifact: a.metadata, action: 'CREATE' });
    const audit = await call<unknown[]>('GET', `/artifact/model/${a.metadata.id}/audit`, { token });
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual(auditLog);
    expect((await call('GET', '/artifact/model/unknownid/audit', { token })).status).toBe(404);
    expect((await call('GET', `/artifact/dataset/${a.metadata.id}/audit`, { token })).status).toBe(404);
    const report = await call<{ verdict: string }>('GET', `/artifacts/model/${a.metadata.id}/scan-report`, { token });
    expect(report.body.verdict).toBe('flagged');
    const running = await call<ScanPendingV1>('GET', `/artifacts/model/${a.metadata.id}/scan-report?version=9.9.9`, { token });
    expect([running.status, running.body.status]).toEqual([202, 'running']);
    // An answer outside the ScanReport contract is the scan service's fault: 502, never passed on.
    expect((await call('GET', `/artifacts/model/${a.metadata.id}/scan-report?version=6.6.6`, { token })).status).toBe(502);
    expect((await call('GET', `/artifacts/model/${a.metadata.id}/scan-report?version=..%2Fx`, { token })).status).toBe(400);
  });
});
