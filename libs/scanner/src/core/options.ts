import { createHash } from 'node:crypto';
import type { ScanOptions } from './types';

/** Defaults chosen for real checkpoints: 30 s per file, 10 GB files, 10 M opcodes, archives nested 3 deep. */
export function defaultScanOptions(overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    strict: false,
    timeoutMs: 30_000,
    maxFileBytes: 10 * 1024 ** 3,
    maxOpcodes: 10_000_000,
    maxDepth: 3,
    rules: {},
    plugins: [],
    maxCompressionRatio: 1000,
    maxArchiveEntries: 100_000,
    ...overrides,
  };
}

/**
 * Stable fingerprint of everything that can change a verdict (cache key part). Concurrency and memory do not
 * change results and are left out; plugin paths are in because plugins add findings.
 */
export function optionsHash(options: ScanOptions): string {
  const relevant = {
    strict: options.strict,
    timeoutMs: options.timeoutMs,
    maxFileBytes: options.maxFileBytes,
    maxOpcodes: options.maxOpcodes,
    maxDepth: options.maxDepth,
    rules: sortKeys(options.rules),
    plugins: [...options.plugins].sort(),
    maxInflatedBytes: options.maxInflatedBytes ?? null,
    maxCompressionRatio: options.maxCompressionRatio ?? null,
    maxArchiveEntries: options.maxArchiveEntries ?? null,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  }
  return v;
}

/** Parses `10GB`, `512MiB`, `1e6` or a plain byte count. Returns undefined for anything else. */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };
  const n = Number(m[1]) * mult[unit];
  return Number.isSafeInteger(Math.round(n)) && n > 0 ? Math.round(n) : undefined;
}
