import { SHA256_HEX_PATTERN } from '@modelguard/domain';
import { z } from 'zod';
import { ManifestEntrySchema } from '../common';

/**
 * Claim checks: content too large to travel inside an event (a package's file manifest, its README) is written to
 * the content-addressed blob store and the event carries only this reference. A consumer fetches the blob and
 * checks its SHA-256 and size before using it (`readClaim` in @modelguard/storage), so a wrong or damaged blob fails
 * the handler (retry, then the dead-letter topic) instead of feeding it wrong data.
 */
export const CLAIM_MAX_BYTES = 64 * 1024 * 1024;

/** Most files one package manifest lists (the v1 events' inline cap, kept). */
export const MANIFEST_MAX_ENTRIES = 100_000;

export const BlobClaimSchema = z.object({
  /** The blob's name in the store, which is also the digest the consumer verifies. */
  sha256: z.string().regex(SHA256_HEX_PATTERN),
  size: z.number().int().nonnegative().max(CLAIM_MAX_BYTES),
});
export type BlobClaim = z.infer<typeof BlobClaimSchema>;

/** The manifest blob: a JSON array of ManifestEntry; `entries` lets a consumer check it read the whole list. */
export const ManifestClaimSchema = BlobClaimSchema.extend({
  entries: z.number().int().nonnegative().max(MANIFEST_MAX_ENTRIES),
});
export type ManifestClaim = z.infer<typeof ManifestClaimSchema>;

/** What a manifest blob must contain once fetched. */
export const ManifestContentSchema = z.array(ManifestEntrySchema).max(MANIFEST_MAX_ENTRIES);
