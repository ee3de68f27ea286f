/** Classifies AWS SDK errors without depending on SDK internals (error classes differ per command). */
interface SdkErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

export function isNotFound(err: unknown): boolean {
  const e = shape(err);
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404;
}

export function isInvalidRange(err: unknown): boolean {
  const e = shape(err);
  return e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416;
}

export function isBucketAlreadyMine(err: unknown): boolean {
  const name = shape(err).name;
  return name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists';
}
