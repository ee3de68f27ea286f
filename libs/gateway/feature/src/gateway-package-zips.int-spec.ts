import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { Topic } from '@modelguard/contracts';
import { blobKey } from '@modelguard/storage';
import { expectEventually } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, sha256, unzipToMap } from '../test/zip-test-utils';

/** Issue 13: a full download is assembled once, then the stored zip is served as it is (with Range). */
describe('gateway assembled package zips', () => {
  let app: GatewayTestApp;
  let token: string;
  const weights = randomBytes(200_000);
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const rows = async (artifactId: string): Promise<{ zip_sha256: string; zip_size: string }[]> =>
    app.dataSource.query(`SELECT zip_sha256, zip_size FROM "${app.schema}".package_zips WHERE artifact_id = $1`, [artifactId]);
  const upload = async (name: string): Promise<string> => {
    const files = { 'README.md': `# ${name}`, 'weights/model.safetensors': weights, 'config.json': '{"a":1}' };
    const up = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: await buildZip(files), contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const ref = { artifactId: up.body.metadata.id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, ref.artifactId);
    return ref.artifactId;
  };
  /** The first full download, assembled on the fly, and the cached zip it leaves behind. */
  const assembled = async (id: string): Promise<{ first: Buffer; zipSha: string }> => {
    const first = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBeNull();
    const [row] = await expectEventually(async () => {
      const r = await rows(id);
      expect(r).toHaveLength(1);
      return r;
    }, { timeoutMs: 30_000 });
    return { first: first.raw, zipSha: row!.zip_sha256 };
  };

  beforeAll(async () => {
    app = await startGatewayTestApp();
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the cached zip byte-identical to the assembled one, and with Range', async () => {
    const id = await upload('cached-model');
    const { first, zipSha } = await assembled(id);
    expect(zipSha).toBe(sha256(first));
    expect([...(await unzipToMap(first)).keys()].sort()).toEqual(['README.md', 'SHA256SUMS', 'config.json', 'model.sig', 'weights/model.safetensors']);

    const second = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe(`"${zipSha}"`);
    expect(second.headers.get('accept-ranges')).toBe('bytes');
    expect(second.headers.get('content-length')).toBe(String(first.length));
    expect(second.raw.equals(first)).toBe(true);

    const part = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token, headers: { Range: 'bytes=100-4099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-4099/${first.length}`);
    expect(part.raw.equals(first.subarray(100, 4100))).toBe(true);
    const tail = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token, headers: { Range: 'bytes=-22' } });
    expect(tail.raw.equals(first.subarray(first.length - 22))).toBe(true);
    expect((await call('GET', `/artifacts/model/${id}/download`, { token, headers: { Range: `bytes=${first.length + 5}-` } })).status).toBe(416);
  });

  it('answers HEAD with the download\'s headers and records no download', async () => {
    const id = await upload('head-model');
    const { first } = await assembled(id);
    const recorded = async (): Promise<string[]> =>
      ((await app.dataSource.query(`SELECT part FROM "${app.schema}".downloads WHERE artifact_id = $1 ORDER BY part`, [id])) as { part: string }[]).map((r) => r.part);
    expect(await recorded()).toEqual(['full']);

    // HEAD is GET's semantics without the body (RFC 9110 9.3.2), not an operation of its own in the OpenAPI documents.
    const head = (path: string) => fetch(`${app.service.url}${path}`, { method: 'HEAD', headers: { 'X-Authorization': token } });
    const zipHead = await head(`/artifacts/model/${id}/download`);
    expect(zipHead.status).toBe(200);
    expect(zipHead.headers.get('content-length')).toBe(String(first.length));
    const fileHead = await head(`/artifacts/model/${id}/files/weights/model.safetensors`);
    expect(fileHead.status).toBe(200);
    expect(fileHead.headers.get('content-length')).toBe(String(weights.length));
    expect(fileHead.headers.get('x-checksum-sha256')).toBe(sha256(weights));
    expect(await recorded()).toEqual(['full']);

    // The same routes with GET are downloads, recorded as before.
    expect((await call<Buffer>('GET', `/artifacts/model/${id}/files/weights/model.safetensors`, { token })).raw.equals(weights)).toBe(true);
    expect(await recorded()).toEqual(['file:weights/model.safetensors', 'full']);
  });

  it('answers HEAD without building a zip that is not cached (its length is left out)', async () => {
    const id = await upload('head-uncached-model');
    const head = (path: string) => fetch(`${app.service.url}${path}`, { method: 'HEAD', headers: { 'X-Authorization': token } });
    for (const path of [`/artifacts/model/${id}/download`, `/artifacts/model/${id}/download?part=weights`]) {
      const res = await head(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-length')).toBeNull();
    }
    await sleep(300); // a build would have written its row by now (the first test waits for it the same way)
    expect(await rows(id)).toEqual([]);
    // The first GET builds and caches it as always.
    const { first } = await assembled(id);
    expect((await head(`/artifacts/model/${id}/download`)).headers.get('content-length')).toBe(String(first.length));
  });

  it('builds parts on the fly and never caches them', async () => {
    const id = await upload('parts-model');
    const weightsOnly = await call<Buffer>('GET', `/artifacts/model/${id}/download?part=weights`, { token });
    expect(weightsOnly.status).toBe(200);
    expect(weightsOnly.headers.get('etag')).toBeNull();
    expect([...(await unzipToMap(weightsOnly.raw)).keys()]).toContain('weights/model.safetensors');
    expect(await rows(id)).toEqual([]);
  });

  it('never serves a tampered cached zip in full, and audits the refusal', async () => {
    const id = await upload('tampered-model');
    const { first, zipSha } = await assembled(id);
    // Served whole twice once the zip's ctime is past the fs store's racy margin (2 s): the first of these re-hashes
    // it and records its verified stat, the second streams it without hashing (FsBlobStore.getVerified).
    await sleep(2100);
    for (let i = 0; i < 2; i++) expect((await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token })).raw.equals(first)).toBe(true);
    // The same for one stored file: the second answer is sent from the store's reused buffers (FileSpan).
    for (let i = 0; i < 2; i++) expect((await call<Buffer>('GET', `/artifacts/model/${id}/files/weights/model.safetensors`, { token })).raw.equals(weights)).toBe(true);
    const root = join(app.service.app.get<AppConfig>(APP_CONFIG).dataDir, 'blobs');
    const tampered = Buffer.from(first);
    tampered[tampered.length >> 1] ^= 0xff; // one byte, same size: the cache lookup still takes it
    // Written in place (same inode): only the changed ctime tells the store its verified stat is stale.
    await writeFile(join(root, blobKey(zipSha)), tampered);
    const before = app.broker.messages(Topic.RequestRefused).length;
    const got = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token }).then((r) => r.raw, () => null);
    // Either the connection was cut, or what arrived is short of the whole zip: never the complete tampered bytes.
    if (got !== null) expect(got.length).toBeLessThan(first.length);
    await expectEventually(() => {
      const refusals = app.broker.messages(Topic.RequestRefused).slice(before).map((m) => JSON.parse(m.value.toString()).payload as { status: number; message: string });
      expect(refusals.some((r) => r.status === 409 && /integrity/.test(r.message))).toBe(true);
    }, { timeoutMs: 30_000 });
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
