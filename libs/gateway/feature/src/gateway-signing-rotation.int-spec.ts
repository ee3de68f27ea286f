import { Topic } from '@modelguard/contracts';
import { dropSchemas, testInfra } from '@modelguard/testing';
import { generateSigningKeyPem, publicKeyPem, runVerify, signingKeyFromPem } from '@modelguard/signing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

/** Key rotation (issue 11.1): a restart with a new configured key keeps old bundles valid and their key published. */
describe('gateway signing-key rotation', () => {
  const schemas: string[] = [];
  let dir = '';
  afterAll(async () => {
    await dropSchemas(testInfra.databaseUrl, schemas);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs with the configured key, and after a rotation serves and publishes both', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mg-rotation-'));
    const oldPem = generateSigningKeyPem();
    const newPem = generateSigningKeyPem();
    const oldKey = signingKeyFromPem(oldPem);
    const newKey = signingKeyFromPem(newPem);

    const first = await startGatewayTestApp({ keepSchema: true, env: { GATEWAY_SIGNING_KEY: oldPem.replace(/\n/g, '\\n') } });
    schemas.push(first.schema);
    let token = await loginAsAdmin(first.client);
    const up = await first.client.call<CreatedArtifact>('POST', '/artifact/model/package?name=rotated', { token, rawBody: await buildZip({ 'a.txt': 'a' }), contentType: 'application/zip' });
    expect(up.status).toBe(201);
    const id = up.body.metadata.id;
    await first.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name: 'rotated', version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    const before = await first.client.call<Buffer>('GET', `/artifacts/model/${id}/signature`, { token });
    expect(JSON.parse(before.raw.toString()).verificationMaterial.publicKey.hint).toBe(oldKey.keyId);
    const zip = await first.client.call<Buffer>('GET', `/artifacts/model/${id}/download`, { token });
    expect(zip.status).toBe(200);
    await first.close();

    const second = await startGatewayTestApp({ schema: first.schema, keepSchema: true, env: { GATEWAY_SIGNING_KEY: newPem } });
    try {
      token = await loginAsAdmin(second.client);
      const keys = (await second.client.call<{ keys: { keyId: string; current: boolean }[] }>('GET', '/signing-keys')).body.keys;
      expect(keys.map((k) => [k.keyId, k.current]).sort()).toEqual([[oldKey.keyId, false], [newKey.keyId, true]].sort());
      // The old version's bundle still passes the server's check (with the rotated-out key, from signing_keys) and
      // its download verifies offline with the old public key; a new version is signed with the new key. (Each test
      // app has its own blob directory, so the old blobs themselves are not there to download again.)
      const old = await second.client.call<Buffer>('GET', `/artifacts/model/${id}/signature?version=1.0.0`, { token });
      expect(old.raw.toString()).toBe(before.raw.toString());
      const zipFile = join(dir, 'old.zip');
      await writeFile(zipFile, zip.raw);
      const oldPub = join(dir, 'old.pem');
      await writeFile(oldPub, publicKeyPem(oldKey.publicKey));
      expect(await runVerify([zipFile, '--key', oldPub], { stdout: new PassThrough(), stderr: new PassThrough() })).toBe(0);
      const v2 = await second.client.call<{ version: string }>('PUT', `/artifacts/model/${id}/package`, { token, rawBody: await buildZip({ 'a.txt': 'b' }), contentType: 'application/zip' });
      expect(v2.status).toBe(200);
      const after = await second.client.call<Buffer>('GET', `/artifacts/model/${id}/signature?version=${v2.body.version}`, { token });
      expect(after.status).toBe(409); // scan pending: the bundle has the download's gates
      await second.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name: 'rotated', version: v2.body.version, verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
      const signed = await second.client.call<Buffer>('GET', `/artifacts/model/${id}/signature?version=${v2.body.version}`, { token });
      expect(JSON.parse(signed.raw.toString()).verificationMaterial.publicKey.hint).toBe(newKey.keyId);
    } finally {
      await second.close();
    }
  });
});
