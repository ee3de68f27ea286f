import { Topic } from '@modelguard/contracts';
import { EncryptedBlobStore, FsBlobStore, LocalKeyWrapper } from '@modelguard/storage';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, unzipToMap } from '../test/zip-test-utils';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Encryption at rest (issue 11.3) seen through the HTTP API: upload, full download and Range over encrypted blobs. */
describe('gateway over an encrypting blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'mg-gw-enc-'));
  const marker = Buffer.from('ZEBRA-CROSSING-PLAINTEXT-MARKER');
  let app: GatewayTestApp;
  let token: string;

  beforeAll(async () => {
    const blobStore = new EncryptedBlobStore(new FsBlobStore(root), new LocalKeyWrapper(randomBytes(32)));
    app = await startGatewayTestApp({ blobStore, env: { MAX_UPLOAD_BYTES: '2000000' } });
    token = await loginAsAdmin(app.client);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('stores no plaintext and serves the package, its files and byte ranges', async () => {
    const weights = Buffer.concat([randomBytes(70_000), marker, randomBytes(70_000)]);
    const zip = await buildZip({ 'README.md': `# Secret\n${marker.toString()}`, 'model.bin': weights });
    const up = await app.client.call<CreatedArtifact>('POST', '/artifact/model/package?name=encrypted-model', { token, rawBody: zip, contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const a = up.body;
    await app.publish(Topic.ScanCompleted, { artifactId: a.metadata.id, artifactType: 'model', name: a.metadata.name, version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, a.metadata.id);

    const stored = filesUnder(join(root, 'sha256'));
    expect(stored.length).toBeGreaterThan(0);
    for (const f of stored) expect(readFileSync(f).includes(marker), f).toBe(false);

    const files = await unzipToMap((await app.client.call<Buffer>('GET', `/artifacts/model/${a.metadata.id}/download`, { token })).raw);
    expect(files.get('model.bin')?.equals(weights)).toBe(true);
    const path = `/artifacts/model/${a.metadata.id}/files/model.bin`;
    // Straddles the 64 KiB chunk boundary.
    const part = await app.client.call<Buffer>('GET', path, { token, headers: { Range: 'bytes=65530-65545' } });
    expect(part.status).toBe(206);
    expect(part.raw).toEqual(weights.subarray(65_530, 65_546));
    const tail = await app.client.call<Buffer>('GET', path, { token, headers: { Range: 'bytes=-7' } });
    expect(tail.raw).toEqual(weights.subarray(weights.length - 7));
  });
});
