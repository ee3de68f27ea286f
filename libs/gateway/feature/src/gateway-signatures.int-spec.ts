import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { Topic } from '@modelguard/contracts';
import { generateSigningKeyPem, publicKeyPem, runVerify, signingKeyFromPem } from '@modelguard/signing';
import { blobKey } from '@modelguard/storage';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip, sha256, unzipToMap } from '../test/zip-test-utils';
import { ArtifactSignatureEntity } from './persistence/artifact-signature.entity';
import { ArtifactVersionEntity } from './persistence/artifact-version.entity';

/** Issue 11.1–11.2: signed manifests served, carried in downloads, verified offline and re-checked on download. */
describe('gateway signed manifests', () => {
  let app: GatewayTestApp;
  let token: string;
  let dir: string;
  let keyFile: string;
  const weights = randomBytes(6000);
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const upload = async (name: string, files: Record<string, string | Buffer>): Promise<string> => {
    const up = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${name}`, { token, rawBody: await buildZip(files), contentType: 'application/zip' });
    expect(up.status, up.raw.toString()).toBe(201);
    const ref = { artifactId: up.body.metadata.id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, ref.artifactId);
    return ref.artifactId;
  };
  /** Runs `modelguard verify` in-process on a zip written to disk; the exit code and what it printed. */
  const verify = async (zip: Buffer, key = keyFile): Promise<{ code: number; out: string }> => {
    const file = join(dir, `${randomBytes(6).toString('hex')}.zip`);
    await writeFile(file, zip);
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await runVerify([file, '--key', key], { stdout, stderr: new PassThrough() });
    return { code, out: Buffer.concat(chunks).toString() };
  };
  const rezip = async (files: Map<string, Buffer>): Promise<Buffer> => buildZip(Object.fromEntries(files));

  let id = '';
  let otherId = '';
  beforeAll(async () => {
    app = await startGatewayTestApp();
    token = await loginAsAdmin(app.client);
    dir = await mkdtemp(join(tmpdir(), 'mg-signatures-'));
    id = await upload('signed-model', { 'README.md': '# signed', 'weights/model.bin': weights, 'config.json': '{}' });
    otherId = await upload('other-model', { 'README.md': '# other' });
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the public key, serves the bundle and carries it in a full download that verifies offline', async () => {
    const keys = await call<{ keys: { keyId: string; publicKeyPem: string; current: boolean }[] }>('GET', '/signing-keys');
    expect(keys.status).toBe(200);
    const current = keys.body.keys.find((k) => k.current)!;
    expect(current.keyId).toMatch(/^[0-9a-f]{64}$/);
    keyFile = join(dir, 'registry.pem');
    await writeFile(keyFile, current.publicKeyPem);

    const sig = await call<Buffer>('GET', `/artifacts/model/${id}/signature?version=1.0.0`, { token });
    expect(sig.status).toBe(200);
    expect(sig.headers.get('content-type')).toContain('application/vnd.dev.sigstore.bundle.v0.3+json');
    const bundle = JSON.parse(sig.raw.toString()) as { verificationMaterial: { publicKey: { hint: string } } };
    expect(bundle.verificationMaterial.publicKey.hint).toBe(current.keyId);
    // An independent implementation (Sigstore's own verifier), keyed: no Rekor/Fulcio/TSA, so those thresholds are 0.
    const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
    const trust = toTrustMaterial(root as never, (hint: string) => {
      if (hint !== current.keyId) throw new Error(`unknown key ${hint}`);
      return { publicKey: createPublicKey(current.publicKeyPem), validFor: () => true };
    });
    expect(() => new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)))).not.toThrow();
    expect((await call('GET', `/artifacts/model/${id}/signature`)).status).toBe(403);

    const zip = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token });
    expect(zip.status).toBe(200);
    const files = await unzipToMap(zip.raw);
    expect(files.get('model.sig')?.toString()).toBe(sig.raw.toString());
    const ok = await verify(zip.raw);
    expect(ok, ok.out).toMatchObject({ code: 0, out: expect.stringMatching(/3 files match the manifest signed by key/) });
  });

  it('offline verify exits 1 for an edited, extra or missing file, another package\'s bundle, a forged bundle and a wrong key', async () => {
    const files = await unzipToMap((await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token })).raw);
    const edited = new Map(files).set('config.json', Buffer.from('{"evil":1}'));
    expect(await verify(await rezip(edited))).toMatchObject({ code: 1, out: expect.stringMatching(/modified +config\.json/) });
    const extra = new Map(files).set('payload.py', Buffer.from('import os'));
    expect(await verify(await rezip(extra))).toMatchObject({ code: 1, out: expect.stringMatching(/unexpected +payload\.py/) });
    const missing = new Map(files);
    missing.delete('weights/model.bin');
    expect(await verify(await rezip(missing))).toMatchObject({ code: 1, out: expect.stringMatching(/missing +weights\/model\.bin/) });

    const otherBundle = (await call<Buffer>('GET', `/artifacts/model/${otherId}/signature`, { token })).raw;
    expect(await verify(await rezip(new Map(files).set('model.sig', otherBundle)))).toMatchObject({ code: 1, out: expect.stringMatching(/unexpected +config\.json/) });
    const forged = JSON.parse(files.get('model.sig')!.toString()) as { dsseEnvelope: { signatures: { sig: string }[] } };
    forged.dsseEnvelope.signatures[0]!.sig = JSON.parse(otherBundle.toString()).dsseEnvelope.signatures[0].sig;
    expect(await verify(await rezip(new Map(files).set('model.sig', Buffer.from(JSON.stringify(forged)))))).toMatchObject({ code: 1, out: expect.stringMatching(/signature does not verify/) });

    const wrongKey = join(dir, 'wrong.pem');
    await writeFile(wrongKey, publicKeyPem(signingKeyFromPem(generateSigningKeyPem()).publicKey));
    expect(await verify(await rezip(files), wrongKey)).toMatchObject({ code: 1, out: expect.stringMatching(/not a trusted key/) });
  });

  it('refuses to serve a version whose manifest row, bundle or signature no longer match (409, nothing served)', async () => {
    const versions = app.dataSource.getRepository(ArtifactVersionEntity);
    const signatures = app.dataSource.getRepository(ArtifactSignatureEntity);
    const row = (await versions.findOneByOrFail({ artifactId: id, version: '1.0.0' }));
    // A row rewritten to point a file at another (existing) blob: the content-addressed store would serve it happily.
    const swapped = row.files.map((f) => (f.path === 'config.json' ? { ...f, sha256: sha256(Buffer.from('# signed')), size: 8 } : f));
    await versions.update({ artifactId: id, version: '1.0.0' }, { files: swapped });
    const refused = await call<{ error: string }>('GET', `/artifacts/model/${id}/download`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/does not match its signed manifest \("config\.json" modified\)/);
    expect((await call('GET', `/artifacts/model/${id}/files/config.json`, { token })).status).toBe(409);
    await versions.update({ artifactId: id, version: '1.0.0' }, { files: row.files });

    const original = await signatures.findOneByOrFail({ artifactId: id, version: '1.0.0' });
    const other = await signatures.findOneByOrFail({ artifactId: otherId, version: '1.0.0' });
    await signatures.update({ artifactId: id, version: '1.0.0' }, { bundle: other.bundle });
    expect((await call<{ error: string }>('GET', `/artifacts/model/${id}/download`, { token })).body.error).toMatch(/does not match its signed manifest/);
    await signatures.update({ artifactId: id, version: '1.0.0' }, { bundle: original.bundle.replace(/"sig":"[A-Za-z0-9+/]{8}/, '"sig":"AAAAAAAA') });
    expect((await call<{ error: string }>('GET', `/artifacts/model/${id}/download`, { token })).body.error).toMatch(/signature of version 1\.0\.0 is invalid/);
    await signatures.delete({ artifactId: id, version: '1.0.0' });
    expect((await call<{ error: string }>('GET', `/artifacts/model/${id}/download`, { token })).body.error).toMatch(/has no registry signature/);
    await signatures.insert(original);
    expect((await call('GET', `/artifacts/model/${id}/download`, { token })).status).toBe(200);
  });

  it('aborts a download whose blob was changed in the store (the bytes are re-hashed as they stream)', async () => {
    const root = join(app.service.app.get<AppConfig>(APP_CONFIG).dataDir, 'blobs');
    await writeFile(join(root, blobKey(sha256(weights))), randomBytes(weights.length));
    // Earlier full downloads assembled the zip once (packages/package-zip-cache.ts): change that blob too, same size.
    const zips: { zip_sha256: string; zip_size: string }[] = await app.dataSource.query(`SELECT zip_sha256, zip_size FROM "${app.schema}".package_zips WHERE artifact_id = $1`, [id]);
    for (const z of zips) await writeFile(join(root, blobKey(z.zip_sha256)), randomBytes(Number(z.zip_size)));
    await expect(call('GET', `/artifacts/model/${id}/files/weights/model.bin`, { token })).rejects.toThrow();
    const full = await call<Buffer>('GET', `/artifacts/model/${id}/download`, { token }).then((r) => r.raw, () => null);
    if (full !== null) expect((await verify(full)).code).toBe(1);
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
