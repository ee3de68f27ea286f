import { Topic } from '@modelguard/contracts';
import { createBlobStore, FsBlobStore, LocalKeyWrapper, SelectiveEncryptionBlobStore } from '@modelguard/storage';
import { expectEventually } from '@modelguard/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, sha256, unzipToMap } from '../test/zip-test-utils';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The encrypted-blob header size (chunk-format.ts): everything after it is the sealed body. */
const HEADER_SIZE = 192;
const MARKER = Buffer.from('SENSITIVE-WEIGHTS-PLAINTEXT-MARKER');
const withMarkers = (): Buffer => Buffer.concat(Array.from({ length: 100 }, () => Buffer.concat([MARKER, randomBytes(2000)])));

/**
 * Issue 11.3 through the gateway: STORAGE_ENCRYPTION=sensitive seals a model's blobs in place once it is marked
 * sensitive (and its later versions), off the request path, while downloads keep working; STORAGE_ENCRYPTION=all over
 * a store that still holds plaintext is migrated by the boot job.
 */
describe('encryption of sensitive models at rest', () => {
  const dirs: string[] = [];
  let app: GatewayTestApp | undefined;
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'mg-gw-sens-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await app?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const upload = async (a: GatewayTestApp, token: string, name: string, files: Record<string, Buffer | string>): Promise<string> => {
    const up = await a.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: await buildZip(files), contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const id = up.body.metadata.id;
    await a.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name, version: '1.0.0', verdict: 'clean', reportId: `r-${name}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    return id;
  };
  const onDisk = (root: string, data: Buffer): Buffer => readFileSync(join(root, 'sha256', sha256(data).slice(0, 2), sha256(data).slice(2, 4), sha256(data)));

  it('seals a model marked sensitive, its later versions and the blob it shares with another model; every download still works', async () => {
    const root = tempDir();
    const kek = randomBytes(32).toString('base64');
    const blobStore = createBlobStore({ driver: 'fs', root, encryption: { mode: 'sensitive', kek } });
    app = await startGatewayTestApp({ blobStore, env: { MAX_UPLOAD_BYTES: '5000000' } });
    const token = await loginAsAdmin(app.client);
    const secret = withMarkers();
    const shared = withMarkers();
    const id = await upload(app, token, 'sens-secret', { 'README.md': '# secret', 'weights.bin': secret, 'shared.bin': shared });
    const otherId = await upload(app, token, 'sens-public', { 'README.md': '# public', 'shared.bin': shared });
    expect(onDisk(root, secret).includes(MARKER)).toBe(true); // not sensitive yet: plaintext
    // A full download of the public model caches its zip, which holds the shared blob in the clear.
    expect((await app.client.call('GET', `/artifacts/model/${otherId}/download`, { token })).status).toBe(200);
    const cachedZips = async (artifactId: string): Promise<number> => {
      const rows: unknown[] = await (app as GatewayTestApp).dataSource.query(`SELECT 1 FROM "${(app as GatewayTestApp).schema}".package_zips WHERE artifact_id = $1`, [artifactId]);
      return rows.length;
    };
    await expectEventually(async () => expect(await cachedZips(otherId)).toBe(1), { timeoutMs: 10_000 });

    expect((await app.client.call('PUT', `/artifacts/model/${id}/sensitive`, { token })).status).toBe(200);
    await expectEventually(async () => {
      expect(onDisk(root, secret).includes(MARKER)).toBe(false);
      expect(onDisk(root, shared).includes(MARKER)).toBe(false);
    }, { timeoutMs: 20_000 });
    // That plaintext copy is dropped with the sealing (the janitor collects its blob), and nothing touching a
    // sensitive model's blobs is cached again. The seal job (encryption/seal-job.processor.ts) drops it in its pass.
    await expectEventually(async () => expect(await cachedZips(otherId)).toBe(0), { timeoutMs: 10_000 });

    const own = await unzipToMap((await app.client.call<Buffer>('GET', `/artifacts/model/${id}/download`, { token })).raw);
    expect(own.get('weights.bin')?.equals(secret)).toBe(true);
    const other = await unzipToMap((await app.client.call<Buffer>('GET', `/artifacts/model/${otherId}/download`, { token })).raw);
    expect(other.get('shared.bin')?.equals(shared)).toBe(true);
    const part = await app.client.call<Buffer>('GET', `/artifacts/model/${id}/files/weights.bin`, { token, headers: { Range: 'bytes=70000-70100' } });
    expect(part.raw.equals(secret.subarray(70_000, 70_101))).toBe(true);

    // A new version of the sensitive model is sealed by the same job.
    const next = withMarkers();
    const put = await app.client.call('PUT', `/artifacts/model/${id}/package?version=2.0.0`, { token, rawBody: await buildZip({ 'README.md': '# v2', 'weights.bin': next }), contentType: 'application/zip' });
    expect(put.status, put.raw.toString()).toBe(200);
    await expectEventually(async () => expect(onDisk(root, next).includes(MARKER)).toBe(false), { timeoutMs: 20_000 });
    expect(await cachedZips(id)).toBe(0);
    expect(await cachedZips(otherId)).toBe(0);
    // Nothing of the sensitive model is left in the clear anywhere in the store.
    for (const f of filesUnder(join(root, 'sha256'))) {
      const bytes = readFileSync(f);
      expect(bytes.includes(secret.subarray(0, 200)) || bytes.includes(next.subarray(0, 200)), f).toBe(false);
    }
    await app.close();
    app = undefined;
  });

  it('STORAGE_ENCRYPTION=all over a plaintext store: the boot job seals every existing blob, downloads keep working', async () => {
    const root = tempDir();
    const kekFile = join(tempDir(), 'kek');
    const kek = randomBytes(32).toString('base64');
    writeFileSync(kekFile, kek);
    // A first run without encryption leaves plaintext blobs.
    const plainApp = await startGatewayTestApp({ blobStore: new FsBlobStore(root), keepSchema: true, env: { MAX_UPLOAD_BYTES: '5000000' } });
    const weights = withMarkers();
    const id = await upload(plainApp, await loginAsAdmin(plainApp.client), 'sens-migrate', { 'README.md': '# m', 'weights.bin': weights });
    const schema = plainApp.schema;
    await plainApp.close();
    expect(onDisk(root, weights).includes(MARKER)).toBe(true);

    // The same registry restarted with encryption on: the boot job migrates while the registry serves.
    const blobStore = createBlobStore({ driver: 'fs', root, encryption: { mode: 'all', kek } }) as SelectiveEncryptionBlobStore;
    app = await startGatewayTestApp({ blobStore, schema, env: { STORAGE_ENCRYPTION: 'all', STORAGE_ENCRYPTION_KEY_FILE: kekFile } });
    await expectEventually(async () => expect(onDisk(root, weights).includes(MARKER)).toBe(false), { timeoutMs: 20_000 });
    expect(await blobStore.isSealed(sha256(weights))).toBe(true);
    const token = await loginAsAdmin(app.client);
    const files = await unzipToMap((await app.client.call<Buffer>('GET', `/artifacts/model/${id}/download`, { token })).raw);
    expect(files.get('weights.bin')?.equals(weights)).toBe(true);
    await app.close();
    app = undefined;
  });

  it('retired KEK configured: the boot job re-wraps every data key to the current KEK, bodies byte-for-byte untouched', async () => {
    const root = tempDir();
    const keys = tempDir();
    const [kek1, kek2] = [randomBytes(32), randomBytes(32)];
    writeFileSync(join(keys, 'current'), kek2.toString('base64'));
    writeFileSync(join(keys, 'retired'), kek1.toString('base64'));
    const before = createBlobStore({ driver: 'fs', root, encryption: { mode: 'all', kek: kek1.toString('base64') } });
    const data = withMarkers();
    const { sha256: sha } = await before.put(Readable.from([data]));
    const stored = onDisk(root, data);

    const blobStore = createBlobStore({ driver: 'fs', root, encryption: { mode: 'all', kek: kek2.toString('base64'), retiredKeks: [kek1.toString('base64')] } });
    const env = { STORAGE_ENCRYPTION: 'all', STORAGE_ENCRYPTION_KEY_FILE: join(keys, 'current'), STORAGE_ENCRYPTION_RETIRED_KEY_FILES: join(keys, 'retired') };
    app = await startGatewayTestApp({ blobStore, env });
    await expectEventually(async () => expect(onDisk(root, data).subarray(0, HEADER_SIZE).includes(Buffer.from(LocalKeyWrapper.keyIdOf(kek2)))).toBe(true), { timeoutMs: 20_000 });
    const after = onDisk(root, data);
    expect(after.subarray(HEADER_SIZE).equals(stored.subarray(HEADER_SIZE))).toBe(true);
    expect(after.subarray(0, HEADER_SIZE).equals(stored.subarray(0, HEADER_SIZE))).toBe(false);
    const currentOnly = createBlobStore({ driver: 'fs', root, encryption: { mode: 'all', kek: kek2.toString('base64') } });
    expect(Buffer.concat(await (await currentOnly.get(sha)).toArray()).equals(data)).toBe(true);
  });
});
