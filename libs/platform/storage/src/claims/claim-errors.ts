/** Why a claim check could not be honoured. */
export type ClaimFailure = 'missing' | 'digest-mismatch' | 'size-mismatch' | 'invalid-content';

/**
 * A claim-check blob that is absent, altered or unusable. Handlers let it propagate: the delivery fails, is retried
 * and then dead-lettered with this message, so a consumer never proceeds on partial or wrong content.
 */
export class ClaimCheckError extends Error {
  override readonly name = 'ClaimCheckError';
  constructor(
    readonly failure: ClaimFailure,
    /** What the claim holds (`manifest`, `readme`), for the message. */
    readonly what: string,
    readonly sha256: string,
    detail: string,
  ) {
    super(`claim check ${what} (blob ${sha256}): ${detail}`);
  }
}
