import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two equal option objects always serialise the same
 * way regardless of the order their keys were assigned in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      if (source[key] !== undefined) sorted[key] = sortKeys(source[key]);
    }
    return sorted;
  }
  return value;
}

/**
 * The key under which per-file results are cached next to the file's SHA-256: a result is only reused
 * when the same scanner version ran with the same options (rules, limits, plugins), because any of those
 * can change the verdict of identical bytes.
 */
export function scanFingerprint(scannerVersion: string, options: unknown): string {
  return createHash('sha256').update(canonicalJson({ scannerVersion, options })).digest('hex');
}
