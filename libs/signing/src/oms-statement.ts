import { createHash } from 'node:crypto';

/** Constants of the OpenSSF model-signing (OMS) v1.0 format: an in-toto Statement v1 in DSSE in a Sigstore bundle. */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const OMS_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** One signed file: its package-relative path and SHA-256 (hex), as the registry's manifest records it. */
export interface SignedFile {
  path: string;
  sha256: string;
}

export interface OmsResource {
  name: string;
  algorithm: 'sha256';
  digest: string;
}

export interface OmsStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: [{ name: string; digest: { sha256: string } }];
  predicateType: typeof OMS_PREDICATE_TYPE;
  predicate: {
    resources: OmsResource[];
    serialization: { method: 'files'; hash_type: 'sha256'; allow_symlinks: false; ignore_paths: string[] };
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The spec's root digest: SHA-256 over the resources' raw digests concatenated in name order. It names the whole
 * manifest compactly (subject[0]); verifiers still compare every resource.
 */
export function rootDigest(resources: readonly OmsResource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

/**
 * Builds the statement for a package. `ignorePaths` are files the download adds beside the package's own
 * (the checksum file, the bundle itself): signed, so an offline verifier knows exactly which extras to skip.
 */
export function buildOmsStatement(name: string, files: readonly SignedFile[], ignorePaths: readonly string[]): OmsStatement {
  const resources: OmsResource[] = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => {
      if (!SHA256_HEX.test(f.sha256)) throw new Error(`not a SHA-256 digest for ${f.path}`);
      return { name: f.path, algorithm: 'sha256', digest: f.sha256 };
    });
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: rootDigest(resources) } }],
    predicateType: OMS_PREDICATE_TYPE,
    predicate: {
      resources,
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [...ignorePaths].sort() },
    },
  };
}

/** Checks an untrusted (already signature-verified) payload has the OMS shape; returns it typed or throws why not. */
export function parseOmsStatement(value: unknown): OmsStatement {
  const o = value as Partial<OmsStatement> | null;
  if (o === null || typeof o !== 'object') throw new Error('statement is not a JSON object');
  if (o._type !== IN_TOTO_STATEMENT_TYPE) throw new Error(`statement _type is not ${IN_TOTO_STATEMENT_TYPE}`);
  if (o.predicateType !== OMS_PREDICATE_TYPE) throw new Error(`predicateType is not ${OMS_PREDICATE_TYPE}`);
  const p = o.predicate;
  if (!p || !Array.isArray(p.resources)) throw new Error('predicate.resources is missing');
  const names = new Set<string>();
  for (const r of p.resources as unknown[]) {
    const x = r as Partial<OmsResource> | null;
    if (!x || typeof x.name !== 'string' || x.name.length === 0 || x.algorithm !== 'sha256' || typeof x.digest !== 'string' || !SHA256_HEX.test(x.digest)) {
      throw new Error('predicate.resources holds an entry that is not {name, algorithm: sha256, digest}');
    }
    if (names.has(x.name)) throw new Error(`predicate.resources names ${JSON.stringify(x.name.slice(0, 200))} twice`);
    names.add(x.name);
  }
  const s = p.serialization;
  if (!s || s.method !== 'files' || s.hash_type !== 'sha256' || !Array.isArray(s.ignore_paths) || !s.ignore_paths.every((x) => typeof x === 'string')) {
    throw new Error('predicate.serialization is not {method: files, hash_type: sha256, ignore_paths}');
  }
  const subject = o.subject;
  if (!Array.isArray(subject) || subject.length !== 1 || subject[0]?.digest?.sha256 !== rootDigest(p.resources)) {
    throw new Error('subject digest does not match the resources');
  }
  return o as OmsStatement;
}
