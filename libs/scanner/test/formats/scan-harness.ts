/**
 * Test helpers for the extra format scanners: a ScanInput over a buffer or a file, a stub ScanContext,
 * and a seeded mutator for fuzz tests. The engine is built in parallel, so scanners are driven directly.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Finding, FormatScanner, ScanContext, ScanInput, ScanOptions } from '../../src/core/types';

export function bufferInput(data: Buffer, path = 'mem.bin'): ScanInput & { maxRead: number } {
  const input = {
    path,
    size: data.length,
    maxRead: 0,
    read: async (offset: number, length: number) => {
      // Records the biggest single read so tests can assert that parsers never slurp whole files.
      input.maxRead = Math.max(input.maxRead, length);
      return Buffer.from(data.subarray(offset, offset + length));
    },
    stream: (start = 0, end?: number) => Readable.from([data.subarray(start, end === undefined ? undefined : end + 1)]),
  };
  return input;
}

export async function fileInput(filePath: string, display = filePath): Promise<ScanInput> {
  const fh = await open(filePath, 'r');
  const { size } = await fh.stat();
  await fh.close();
  return {
    path: display,
    size,
    read: async (offset, length) => {
      const h = await open(filePath, 'r');
      try {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await h.read(buf, 0, buf.length, offset);
        return buf.subarray(0, bytesRead);
      } finally {
        await h.close();
      }
    },
    stream: (start, end) => createReadStream(filePath, { start, end }),
  };
}

export const TEST_OPTIONS: ScanOptions = {
  strict: false,
  timeoutMs: 30_000,
  maxFileBytes: 1 << 30,
  maxOpcodes: 1_000_000,
  maxDepth: 4,
  rules: {},
  plugins: [],
};

export interface StubContext extends ScanContext {
  nested: ScanInput[];
}

/** A ScanContext whose budget is a step counter; nested scans are recorded and return a canned result. */
export function stubContext(opts: Partial<ScanOptions> = {}, maxSteps = 5_000_000, nestedResult: Finding[] = []): StubContext {
  let steps = 0;
  const nested: ScanInput[] = [];
  return {
    options: { ...TEST_OPTIONS, ...opts },
    depth: 0,
    nested,
    scanNested: async (input) => {
      nested.push(input);
      return nestedResult;
    },
    checkBudget: () => {
      if (++steps > maxSteps) throw new Error('budget exhausted');
    },
  };
}

export async function scanBuffer(scanner: FormatScanner, data: Buffer, ctx: ScanContext = stubContext(), path?: string): Promise<Finding[]> {
  return scanner.scan(bufferInput(data, path), ctx);
}

export function ruleIds(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

export function hasErrorOrWorse(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'ERROR' || f.severity === 'CRITICAL');
}

/** mulberry32: tiny deterministic PRNG so fuzz failures reproduce from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One seeded mutation: bit flips, truncation, or overwriting a (length-like) field with an extreme value. */
export function mutate(data: Buffer, rnd: () => number, hotOffsets: number[] = []): Buffer {
  const out = Buffer.from(data);
  const kind = Math.floor(rnd() * 4);
  const pick = (): number => (hotOffsets.length > 0 && rnd() < 0.5 ? (hotOffsets[Math.floor(rnd() * hotOffsets.length)] ?? 0) : Math.floor(rnd() * out.length));
  if (kind === 0) {
    const flips = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < flips; i++) {
      const at = pick();
      if (at < out.length) out[at] = out.readUInt8(at) ^ (1 << Math.floor(rnd() * 8));
    }
    return out;
  }
  if (kind === 1) return out.subarray(0, Math.floor(rnd() * out.length));
  const at = Math.min(pick(), Math.max(0, out.length - 8));
  const extremes = [0xff, 0x7f, 0x80, 0x00, 0x01];
  const width = 2 ** Math.floor(rnd() * 4);
  for (let i = 0; i < width && at + i < out.length; i++) out[at + i] = kind === 2 ? (extremes[Math.floor(rnd() * extremes.length)] ?? 0) : Math.floor(rnd() * 256);
  return out;
}

/**
 * Runs `cases` seeded mutations of `seedSample` through the scanner and returns a summary; throws with the
 * seed of the first case whose scan rejected (escaped exception) or took too long.
 */
export async function fuzzScanner(
  scanner: FormatScanner,
  seedSample: Buffer,
  cases: number,
  seed: number,
  opts: { hotOffsets?: number[]; maxMsPerCase?: number; maxReadBytes?: number; context?: () => ScanContext } = {},
): Promise<{ cases: number; withFindings: number; maxMs: number; maxRead: number }> {
  const rnd = prng(seed);
  let withFindings = 0;
  let maxMs = 0;
  let maxRead = 0;
  for (let i = 0; i < cases; i++) {
    const sample = mutate(seedSample, rnd, opts.hotOffsets);
    const input = bufferInput(sample, `fuzz-${seed}-${i}`);
    const started = performance.now();
    let findings: Finding[];
    try {
      findings = await scanner.scan(input, opts.context?.() ?? stubContext());
    } catch (err) {
      throw new Error(`fuzz case ${i} (seed ${seed}) escaped scan: ${String(err)}`);
    }
    const ms = performance.now() - started;
    maxMs = Math.max(maxMs, ms);
    maxRead = Math.max(maxRead, input.maxRead);
    if (ms > (opts.maxMsPerCase ?? 2000)) throw new Error(`fuzz case ${i} (seed ${seed}) took ${ms.toFixed(0)} ms`);
    if (input.maxRead > (opts.maxReadBytes ?? Math.max(sample.length, 1) * 2 + 4096)) throw new Error(`fuzz case ${i} read ${input.maxRead} bytes at once`);
    if (findings.length > 0) withFindings++;
  }
  return { cases, withFindings, maxMs, maxRead };
}
