import { sign, verify, type KeyObject } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, parseOmsStatement, SIGSTORE_BUNDLE_MEDIA_TYPE, type OmsStatement } from './oms-statement';
import type { SigningKey } from './signing-key';

/** Sigstore bundle v0.3 (JSON form) holding a DSSE envelope, keyed: the key is named by `publicKey.hint`. */
export interface SigstoreBundle {
  mediaType: typeof SIGSTORE_BUNDLE_MEDIA_TYPE;
  verificationMaterial: { publicKey: { hint: string }; tlogEntries: []; timestampVerificationData: { rfc3161Timestamps: [] } };
  dsseEnvelope: { payload: string; payloadType: string; signatures: [{ sig: string; keyid: string }] };
}

export interface VerifiedBundle {
  keyId: string;
  statement: OmsStatement;
}

/** DSSE v1 pre-authentication encoding: what is actually signed, binding the payload type to the bytes. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function signStatement(statement: OmsStatement, key: SigningKey): SigstoreBundle {
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  // ECDSA over SHA-256, DER-encoded: the form Sigstore verifiers and `openssl dgst -verify` expect.
  const sig = sign('sha256', pae(IN_TOTO_PAYLOAD_TYPE, payload), key.privateKey);
  return {
    mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: key.keyId }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig: sig.toString('base64'), keyid: key.keyId }] },
  };
}

export class BundleError extends Error {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Verifies an untrusted bundle: shape, the named key is one we trust, the DSSE signature over the PAE, and the
 * statement's OMS shape. Throws BundleError saying which step failed; the statement is only read once signed.
 */
export function verifyBundle(value: unknown, trustedKey: (keyId: string) => KeyObject | undefined): VerifiedBundle {
  const b = value as Partial<SigstoreBundle> | null;
  if (b === null || typeof b !== 'object' || b.mediaType !== SIGSTORE_BUNDLE_MEDIA_TYPE) throw new BundleError(`not a Sigstore bundle (mediaType ${SIGSTORE_BUNDLE_MEDIA_TYPE})`);
  const hint = b.verificationMaterial?.publicKey?.hint;
  const env = b.dsseEnvelope;
  if (typeof hint !== 'string' || hint.length === 0) throw new BundleError('bundle names no public key (verificationMaterial.publicKey.hint)');
  if (!env || env.payloadType !== IN_TOTO_PAYLOAD_TYPE || typeof env.payload !== 'string' || !BASE64.test(env.payload)) throw new BundleError('bundle holds no in-toto DSSE envelope');
  if (!Array.isArray(env.signatures) || env.signatures.length !== 1 || typeof env.signatures[0]?.sig !== 'string') throw new BundleError('DSSE envelope must carry exactly one signature');
  const key = trustedKey(hint);
  if (key === undefined) throw new BundleError(`bundle is signed with key ${hint.slice(0, 80)}, which is not a trusted key`);
  const payload = Buffer.from(env.payload, 'base64');
  // Ed25519 signs the message itself (no separate digest); ECDSA P-256 signs its SHA-256.
  const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  const ok = verify(digest, pae(env.payloadType, payload), key, Buffer.from(env.signatures[0].sig, 'base64'));
  if (!ok) throw new BundleError(`signature does not verify with key ${hint}`);
  try {
    return { keyId: hint, statement: parseOmsStatement(JSON.parse(payload.toString('utf8'))) };
  } catch (error) {
    throw new BundleError(`signed statement is not an OMS manifest: ${(error as Error).message}`);
  }
}
