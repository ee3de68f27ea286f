import {
  type BlobClaim,
  type ManifestClaim,
  type ManifestEntry,
  ManifestContentSchema,
  type PackageMetadata,
  type PackageStoredV1,
  type PackageStoredV2,
  type PackageUploadedV1,
  type PackageUploadedV2,
} from '@modelguard/contracts';
import { type ClaimBlobStore, putClaim, readClaim } from './blob-claim';
import { ClaimCheckError } from './claim-errors';

/** A package version's full content as its consumers use it: the manifest, and the metadata with its README. */
export interface ResolvedPackage {
  files: ManifestEntry[];
  metadata: PackageMetadata;
}

/** The claim-check part of a v2 package event (PackageStored / PackageUploaded). */
export interface PackageClaims {
  manifest: ManifestClaim;
  readme?: BlobClaim;
  /** The metadata without its README (the README travels as the `readme` claim). */
  metadata: PackageMetadata;
}

/**
 * Producer side: writes the manifest (always) and the README (when there is one) to the blob store and returns what
 * a v2 package event carries instead of them.
 */
export async function writePackageClaims(blobs: ClaimBlobStore, content: ResolvedPackage): Promise<PackageClaims> {
  const { readme, ...metadata } = content.metadata;
  const manifest = await putClaim(blobs, JSON.stringify(content.files));
  const claims: PackageClaims = { manifest: { ...manifest, entries: content.files.length }, metadata };
  if (typeof readme === 'string') claims.readme = await putClaim(blobs, readme);
  return claims;
}

type PackageEvent = PackageStoredV1 | PackageUploadedV1 | PackageStoredV2 | PackageUploadedV2;

/**
 * Consumer side, for every version of the package events: a v1 payload carries its content inline; a v2 payload's
 * claims are fetched and verified (ClaimCheckError when a blob is missing, altered or not a manifest).
 */
export async function packageContentOf(blobs: ClaimBlobStore, payload: PackageEvent): Promise<ResolvedPackage> {
  if ('files' in payload) return { files: payload.files, metadata: payload.metadata };
  const files = await readManifest(blobs, payload.manifest);
  // v2 never carries the README inline: only the claim counts, so a stray inline value cannot shadow it.
  const { readme: _inline, ...metadata } = payload.metadata;
  if (payload.readme === undefined) return { files, metadata };
  const readme = (await readClaim(blobs, payload.readme, 'readme')).toString('utf8');
  return { files, metadata: { ...metadata, readme } };
}

async function readManifest(blobs: ClaimBlobStore, claim: ManifestClaim): Promise<ManifestEntry[]> {
  const bytes = await readClaim(blobs, claim, 'manifest');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ClaimCheckError('invalid-content', 'manifest', claim.sha256, 'the blob is not JSON');
  }
  const files = ManifestContentSchema.safeParse(parsed);
  if (!files.success) throw new ClaimCheckError('invalid-content', 'manifest', claim.sha256, `not a file manifest: ${files.error.issues[0]?.message ?? 'invalid'}`);
  if (files.data.length !== claim.entries) {
    throw new ClaimCheckError('invalid-content', 'manifest', claim.sha256, `lists ${files.data.length} files, the claim says ${claim.entries}`);
  }
  return files.data;
}
