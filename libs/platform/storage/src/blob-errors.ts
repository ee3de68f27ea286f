/**
 * Errors a BlobStore raises for bad *input* (as opposed to infrastructure failures, which surface as
 * the underlying error). `status` is the HTTP status an API layer should map them to.
 */
export abstract class BlobStoreError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
}

export class InvalidBlobIdError extends BlobStoreError {
  readonly code = 'INVALID_BLOB_ID';
  readonly status = 400;
  constructor(value: unknown) {
    super(`Invalid blob id ${JSON.stringify(String(value).slice(0, 80))}: expected 64 lowercase hex characters (SHA-256)`);
    this.name = 'InvalidBlobIdError';
  }
}

export class BlobNotFoundError extends BlobStoreError {
  readonly code = 'BLOB_NOT_FOUND';
  readonly status = 404;
  constructor(readonly sha256: string) {
    super(`Blob ${sha256} does not exist`);
    this.name = 'BlobNotFoundError';
  }
}

export class BlobIntegrityError extends BlobStoreError {
  readonly code = 'BLOB_SHA256_MISMATCH';
  readonly status = 422;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Content SHA-256 ${actual} does not match the expected ${expected}`);
    this.name = 'BlobIntegrityError';
  }
}

export class BlobTooLargeError extends BlobStoreError {
  readonly code = 'BLOB_TOO_LARGE';
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super(`Content exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class InvalidRangeError extends BlobStoreError {
  readonly code = 'INVALID_RANGE';
  readonly status = 416;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRangeError';
  }
}
