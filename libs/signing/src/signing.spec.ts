import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildOmsStatement,
  checkAgainstStatement,
  downloadExtrasFor,
  generateSigningKeyPem,
  pae,
  publicKeyPem,
  signingKeyFromPem,
  signStatement,
  verifyBundle,
  type SigstoreBundle,
} from './index';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const files = [
  { path: 'weights/model.safetensors', sha256: sha('weights') },
  { path: 'README.md', sha256: sha('readme') },
];
const key = signingKeyFromPem(generateSigningKeyPem());
const other = signingKeyFromPem(generateSigningKeyPem());
const trust = (...keys: { keyId: string; publicKey: KeyObject }[]) => (id: string) => keys.find((k) => k.keyId === id)?.publicKey;

/** Sigstore's own verifier, keyed: no Fulcio, no Rekor, no TSA (a private registry key has none), so thresholds are 0. */
function sigstoreVerify(bundle: SigstoreBundle, pub: { keyId: string; publicKey: KeyObject }): void {
  const trustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const material = toTrustMaterial(trustedRoot as never, (hint: string) => {
    if (hint !== pub.keyId) throw new Error(`unknown key ${hint}`);
    return { publicKey: pub.publicKey, validFor: () => true };
  });
  new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundleFromJSON(bundle)));
}

describe('OMS statement', () => {
  it('lists resources in name order with the root digest over their raw digests', () => {
    const s = buildOmsStatement('m', files, ['model.sig', 'SHA256SUMS']);
    expect(s.predicate.resources.map((r) => r.name)).toEqual(['README.md', 'weights/model.safetensors']);
    const root = createHash('sha256').update(Buffer.from(sha('readme'), 'hex')).update(Buffer.from(sha('weights'), 'hex')).digest('hex');
    expect(s.subject).toEqual([{ name: 'm', digest: { sha256: root } }]);
    expect(s.predicate.serialization).toEqual({ method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['SHA256SUMS', 'model.sig'] });
  });

  it('refuses a non-hex digest', () => {
    expect(() => buildOmsStatement('m', [{ path: 'a', sha256: 'nope' }], [])).toThrow(/not a SHA-256/);
  });
});

describe('DSSE bundle', () => {
  const bundle = signStatement(buildOmsStatement('m', files, []), key);

  it('uses the DSSE v1 PAE', () => {
    expect(pae('t/x', Buffer.from('hello')).toString()).toBe('DSSEv1 3 t/x 5 hello');
  });

  it('is accepted by @sigstore/verify with the registry key and refused with another', () => {
    expect(bundle.verificationMaterial.publicKey.hint).toBe(key.keyId);
    expect(() => sigstoreVerify(bundle, key)).not.toThrow();
    const forged = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, publicKey: { hint: other.keyId } } };
    expect(() => sigstoreVerify(forged, other)).toThrow();
  });

  it('verifies here and returns the statement', () => {
    expect(verifyBundle(bundle, trust(key)).statement.predicate.resources).toHaveLength(2);
  });

  it('refuses an unknown key, a changed payload, a wrong media type', () => {
    expect(() => verifyBundle(bundle, trust(other))).toThrow(/not a trusted key/);
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as { predicate: { resources: { digest: string }[] } };
    statement.predicate.resources[0]!.digest = sha('evil');
    const tampered = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') } };
    expect(() => verifyBundle(tampered, trust(key))).toThrow(/signature does not verify/);
    expect(() => sigstoreVerify(tampered, key)).toThrow();
    expect(() => verifyBundle({ ...bundle, mediaType: 'x' }, trust(key))).toThrow(/not a Sigstore bundle/);
    expect(() => verifyBundle('garbage', trust(key))).toThrow(/not a Sigstore bundle/);
  });

  it('refuses a validly signed statement that is not an OMS manifest', () => {
    const odd = signStatement({ ...buildOmsStatement('m', files, []), predicateType: 'x' } as never, key);
    expect(() => verifyBundle(odd, trust(key))).toThrow(/predicateType/);
  });
});

describe('manifest check', () => {
  const statement = buildOmsStatement('m', files, ['SHA256SUMS', 'model.sig']);

  it('accepts the signed files plus the ignored extras', () => {
    expect(checkAgainstStatement(statement, [...files, { path: 'SHA256SUMS', sha256: sha('x') }])).toEqual([]);
  });

  it('names modified, missing and unexpected files', () => {
    const problems = checkAgainstStatement(statement, [{ path: 'README.md', sha256: sha('changed') }, { path: 'extra.py', sha256: sha('x') }]);
    expect(problems.map((p) => [p.path, p.reason])).toEqual([['README.md', 'modified'], ['extra.py', 'unexpected'], ['weights/model.safetensors', 'missing']]);
  });
});

describe('keys and names', () => {
  it('accepts only P-256 keys; the key id is the SPKI digest', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signingKeyFromPem(ed)).toThrow(/P-256/);
    expect(publicKeyPem(key.publicKey)).toMatch(/BEGIN PUBLIC KEY/);
    expect(key.keyId).toBe(createHash('sha256').update(key.publicKey.export({ type: 'spki', format: 'der' })).digest('hex'));
  });

  it('reserves download names that never shadow package files', () => {
    expect(downloadExtrasFor(['a'])).toEqual({ sums: 'SHA256SUMS', bundle: 'model.sig' });
    expect(downloadExtrasFor(['SHA256SUMS', 'model.sig'])).toEqual({ sums: 'SHA256SUMS.modelguard', bundle: 'model.sig.modelguard' });
  });
});
