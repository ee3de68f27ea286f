import { Topic } from '@modelguard/contracts';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL_COALESCING } from './http/refusal-recorder';
import { registerUser, type Session, TestClock } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';

const hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const spkiPem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();
const keyIdOf = (k: KeyObject): string => hex(k.export({ type: 'spki', format: 'der' }));

/**
 * An independent signer, written from the specs (in-toto Statement v1, OpenSSF model-signing v1.0 predicate, DSSE v1
 * PAE, Sigstore bundle v0.3), sharing no code with the registry: what an uploader's own tooling would produce.
 */
function signPackage(name: string, files: Record<string, Buffer>, privateKey: KeyObject, keyId: string): Record<string, unknown> {
  const resources = Object.keys(files)
    .sort()
    .map((path) => ({ name: path, algorithm: 'sha256', digest: hex(files[path]!) }));
  const root = createHash('sha256');
  for (const r of resources) root.update(Buffer.from(r.digest, 'hex'));
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name, digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [] } },
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  const ed = privateKey.asymmetricKeyType === 'ed25519';
  const sig = sign(ed ? null : 'sha256', pae, privateKey);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: keyId }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: type, signatures: [{ sig: sig.toString('base64'), keyid: keyId }] },
  };
}
const header = (bundle: unknown): string => Buffer.from(JSON.stringify(bundle)).toString('base64');

/** Issue 11.1 / 11.7: uploaders' own keys and signatures, verified against registered keys; bad bundles refused and audited. */
describe('uploader signatures', () => {
  let app: GatewayTestApp;
  let uploader: Session;
  let other: Session;
  const ed = generateKeyPairSync('ed25519');
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const edId = keyIdOf(ed.publicKey);
  const files = { 'README.md': Buffer.from('# signed by its uploader'), 'weights.bin': randomBytes(4000) };
  const upload = (token: string, name: string, content: Record<string, Buffer>, bundle?: unknown) =>
    buildZip(content).then((zip) =>
      app.client.call<CreatedArtifact & { error?: string }>('POST', `/artifact/model/package?name=${name}`, {
        token,
        rawBody: zip,
        contentType: 'application/zip',
        headers: bundle === undefined ? {} : { 'X-ModelGuard-Uploader-Bundle': header(bundle) },
      }),
    );

  // Moved past the refusal coalescing window instead of waiting for it to end (see the security-log check below).
  const clock = new TestClock();

  beforeAll(async () => {
    app = await startGatewayTestApp({ clock });
    const admin = await loginAsAdmin(app.client);
    uploader = await registerUser(app.client, admin, 'signing-uploader', ['upload', 'download', 'search']);
    other = await registerUser(app.client, admin, 'other-uploader', ['upload', 'download', 'search']);
  });
  afterAll(() => app?.close());

  it('registers, lists and revokes keys per user; refuses other key types, garbage and a key held by someone else', async () => {
    const added = await app.client.call<{ key_id: string; algorithm: string }>('POST', '/uploader-keys', { token: uploader.token, json: { public_key_pem: spkiPem(ed.publicKey) } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ key_id: edId, algorithm: 'ed25519', revoked_at: null });
    const ecAdded = await app.client.call('POST', '/uploader-keys', { token: uploader.token, json: { public_key_pem: spkiPem(p256.publicKey) } });
    expect(ecAdded.body).toMatchObject({ key_id: keyIdOf(p256.publicKey), algorithm: 'ecdsa-p256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect((await app.client.call<{ error: string }>('POST', '/uploader-keys', { token: uploader.token, json: { public_key_pem: spkiPem(rsa) } })).body.error).toMatch(/Ed25519 or ECDSA P-256/);
    expect((await app.client.call('POST', '/uploader-keys', { token: uploader.token, json: { public_key_pem: 'not a key' } })).status).toBe(400);
    expect((await app.client.call('POST', '/uploader-keys', { token: other.token, json: { public_key_pem: spkiPem(ed.publicKey) } })).status).toBe(409);
    const mine = await app.client.call<{ keys: { key_id: string }[] }>('GET', '/uploader-keys', { token: uploader.token });
    expect(mine.body.keys.map((k) => k.key_id)).toEqual([edId, keyIdOf(p256.publicKey)]);
    expect((await app.client.call<{ keys: unknown[] }>('GET', '/uploader-keys', { token: other.token })).body.keys).toEqual([]);
    // Someone else cannot revoke my key.
    expect((await app.client.call('DELETE', `/uploader-keys/${edId}`, { token: other.token })).status).toBe(404);
  });

  it('verifies an uploader-signed upload, records it, and shows it on the signature endpoint (bundle valid for Sigstore\'s verifier)', async () => {
    const bundle = signPackage('self-signed', files, ed.privateKey, edId);
    // The format is real: Sigstore's own verifier accepts the bundle with the uploader's key.
    const trust = toTrustMaterial({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] } as never, (hint: string) => {
      if (hint !== edId) throw new Error(`unknown key ${hint}`);
      return { publicKey: createPublicKey(spkiPem(ed.publicKey)), validFor: () => true };
    });
    expect(() => new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)))).not.toThrow();

    const up = await upload(uploader.token, 'self-signed', files, bundle);
    expect(up.status, up.raw.toString()).toBe(201);
    const id = up.body.metadata.id;
    await app.publish(Topic.ScanCompleted, { artifactId: id, artifactType: 'model', name: 'self-signed', version: '1.0.0', verdict: 'clean', reportId: 'r', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, id);
    const sig = await app.client.call('GET', `/artifacts/model/${id}/signature`, { token: uploader.token });
    expect(sig.status).toBe(200);
    expect(sig.headers.get('x-modelguard-uploader-signature')).toBe(`verified; key=${edId}; by=${uploader.name}`);

    // ECDSA P-256 works the same way, for a new version.
    const v2 = { ...files, 'weights.bin': randomBytes(3000) };
    const ecBundle = signPackage('self-signed', v2, p256.privateKey, keyIdOf(p256.publicKey));
    const put = await app.client.call('PUT', `/artifacts/model/${id}/package?version=2.0.0`, {
      token: uploader.token, rawBody: await buildZip(v2), contentType: 'application/zip', headers: { 'X-ModelGuard-Uploader-Bundle': header(ecBundle) },
    });
    expect(put.status, put.raw.toString()).toBe(200);

    const unsigned = await upload(uploader.token, 'unsigned-model', files);
    expect(unsigned.status).toBe(201);
    const uid = unsigned.body.metadata.id;
    await app.publish(Topic.ScanCompleted, { artifactId: uid, artifactType: 'model', name: 'unsigned-model', version: '1.0.0', verdict: 'clean', reportId: 'r2', findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, uid);
    expect((await app.client.call('GET', `/artifacts/model/${uid}/signature`, { token: uploader.token })).headers.get('x-modelguard-uploader-signature')).toBe('none');
  });

  it('refuses (400, audited) a forged bundle, another package\'s, an extra or missing file, a key not the uploader\'s, a revoked key and garbage', async () => {
    const before = app.broker.messages(Topic.RequestRefused).length;
    const good = signPackage('refused-model', files, ed.privateKey, edId);
    const forged = structuredClone(good) as { dsseEnvelope: { signatures: { sig: string }[] } };
    forged.dsseEnvelope.signatures[0]!.sig = sign(null, Buffer.from('something else'), ed.privateKey).toString('base64');
    const cases: [string, Record<string, Buffer>, unknown, RegExp, Session?][] = [
      ['forged', files, forged, /signature does not verify/],
      ['another package', files, signPackage('some-other-model', files, ed.privateKey, edId), /is for package "some-other-model"/],
      ['extra file', { ...files, 'payload.py': Buffer.from('import os') }, good, /unexpected "payload\.py"/],
      ['missing file', { 'README.md': files['README.md'] }, good, /missing "weights\.bin"/],
      ['not the uploader\'s key', files, good, /not an active key of other-uploader/, other],
      ['garbage', files, { hello: 'world' }, /not a Sigstore bundle/],
    ];
    for (const [label, content, bundle, message, who] of cases) {
      const res = await upload((who ?? uploader).token, 'refused-model', content, bundle);
      expect(res.status, label).toBe(400);
      expect(res.body.error, label).toMatch(message);
    }
    expect((await app.client.call('DELETE', `/uploader-keys/${edId}`, { token: uploader.token })).body).toMatchObject({ key_id: edId, revoked_at: expect.any(String) });
    const revoked = await upload(uploader.token, 'refused-model', files, good);
    expect(revoked.status).toBe(400);
    expect(revoked.body.error).toMatch(/not an active key of signing-uploader/);
    // Nothing was registered under the refused name.
    expect((await app.client.call('GET', '/artifact/byName/refused-model', { token: uploader.token })).status).toBe(404);

    // Every refusal is in the security log (coalesced per identity and reason: 1 + suppressed per entry; the repeats
    // are written once their window has ended).
    clock.advance(REFUSAL_COALESCING.windowMs);
    await expect
      .poll(
        () =>
          app.broker
            .messages(Topic.RequestRefused)
            .slice(before)
            .map((m) => (JSON.parse(m.value) as { payload: { reason: string; status: number; message: string; suppressed: number } }).payload)
            .filter((p) => p.reason === 'hostile-input' && p.status === 400 && /uploader signature refused/.test(p.message))
            .reduce((n, p) => n + 1 + p.suppressed, 0),
        { timeout: 30_000, interval: 500 },
      )
      .toBe(cases.length + 1);
  });
});
