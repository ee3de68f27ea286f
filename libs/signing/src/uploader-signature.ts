import { createPublicKey, type KeyObject } from 'node:crypto';
import { BundleError, verifyBundle } from './bundle';
import { checkAgainstStatement } from './manifest-check';
import type { SignedFile } from './oms-statement';
import { keyIdOf, publicKeyPem } from './signing-key';

export type UploaderKeyAlgorithm = 'ed25519' | 'ecdsa-p256';

export interface UploaderPublicKey {
  keyId: string;
  algorithm: UploaderKeyAlgorithm;
  /** Re-exported SPKI PEM (normalised: what is stored and listed, whatever formatting was sent). */
  pem: string;
  key: KeyObject;
}

/** PEM text of an uploader's public key; only Ed25519 and ECDSA P-256 (what model-signing's key method produces). */
export function parseUploaderPublicKey(pem: string): UploaderPublicKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new BundleError('not a PEM public key');
  }
  const algorithm: UploaderKeyAlgorithm | null =
    key.asymmetricKeyType === 'ed25519' ? 'ed25519' : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : null;
  if (algorithm === null) throw new BundleError('the public key must be Ed25519 or ECDSA P-256');
  return { keyId: keyIdOf(key), algorithm, pem: publicKeyPem(key), key };
}

/**
 * Checks an uploader's Sigstore bundle against the package actually stored: the DSSE signature verifies with one of
 * the uploader's registered keys, the statement names this package, and its resources are exactly the package's
 * files (no file more, none missing, every digest equal). ignore_paths are not honoured here: an uploaded package
 * has no registry-added extras, so a file the signer chose to ignore would be an unsigned file. BundleError says why.
 */
export function verifyUploaderBundle(bundle: unknown, packageName: string, files: readonly SignedFile[], trustedKey: (keyId: string) => KeyObject | undefined): { keyId: string } {
  const { keyId, statement } = verifyBundle(bundle, trustedKey);
  const signedName = statement.subject[0].name;
  if (signedName !== packageName) throw new BundleError(`bundle is for package ${JSON.stringify(signedName.slice(0, 100))}, not ${JSON.stringify(packageName)}`);
  const strict = { ...statement, predicate: { ...statement.predicate, serialization: { ...statement.predicate.serialization, ignore_paths: [] } } };
  const problems = checkAgainstStatement(strict, files);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).map((p) => `${p.reason} ${JSON.stringify(p.path.slice(0, 100))}`).join(', ');
    throw new BundleError(`signed manifest does not match the package: ${shown}${problems.length > 5 ? `, and ${problems.length - 5} more` : ''}`);
  }
  return { keyId };
}
