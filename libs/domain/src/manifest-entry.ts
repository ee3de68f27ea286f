/** A sha256 digest as every service writes it: 64 lowercase hex characters (also the blob id). */
export const SHA256_HEX_PATTERN = /^[a-f0-9]{64}$/;

/** One file of a package: where it sits in the package, how big it is, and the blob that holds its bytes. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX_PATTERN.test(value);
}

/** The size of a package: the sum of its files (what the cost endpoint and the size score measure). */
export function manifestTotalBytes(entries: readonly Pick<ManifestEntry, 'size'>[]): number {
  let total = 0;
  for (const entry of entries) total += entry.size;
  return total;
}
