import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signStatement } from './bundle';
import { buildOmsStatement } from './oms-statement';
import { keyIdOf } from './signing-key';
import { parseUploaderPublicKey, verifyUploaderBundle } from './uploader-signature';

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const files = [
  { path: 'README.md', sha256: digest('readme') },
  { path: 'weights.bin', sha256: digest('weights') },
];

describe('uploader signatures', () => {
  it('accepts Ed25519 and P-256 public keys only, with the SPKI key id', () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(parseUploaderPublicKey(ed.export({ type: 'spki', format: 'pem' }).toString())).toMatchObject({ algorithm: 'ed25519', keyId: keyIdOf(ed) });
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(parseUploaderPublicKey(ec.export({ type: 'spki', format: 'pem' }).toString()).algorithm).toBe('ecdsa-p256');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(() => parseUploaderPublicKey(p384.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/Ed25519 or ECDSA P-256/);
    expect(() => parseUploaderPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(/not a PEM public key/);
  });

  it('checks key, package name and the exact file list; ignore_paths do not excuse an unsigned file', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = { keyId: keyIdOf(pair.publicKey), privateKey: pair.privateKey, publicKey: pair.publicKey };
    const trusted = (id: string): KeyObject | undefined => (id === key.keyId ? pair.publicKey : undefined);
    const bundle = signStatement(buildOmsStatement('pkg', files, []), key);
    expect(verifyUploaderBundle(bundle, 'pkg', files, trusted)).toEqual({ keyId: key.keyId });
    expect(() => verifyUploaderBundle(bundle, 'other', files, trusted)).toThrow(/is for package "pkg", not "other"/);
    expect(() => verifyUploaderBundle(bundle, 'pkg', files.slice(0, 1), trusted)).toThrow(/missing "weights\.bin"/);
    expect(() => verifyUploaderBundle(bundle, 'pkg', files, () => undefined)).toThrow(/not a trusted key/);
    const ignoring = signStatement(buildOmsStatement('pkg', files, ['payload.py']), key);
    expect(() => verifyUploaderBundle(ignoring, 'pkg', [...files, { path: 'payload.py', sha256: digest('x') }], trusted)).toThrow(/unexpected "payload\.py"/);
  });
});
