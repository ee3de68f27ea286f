import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import { bufferInput } from '../io/inputs';
import { generateCorpus } from '../../test/corpus';
import { scanInputInProcess } from './scan-core';

/** Deterministic PRNG (mulberry32) so every failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Buffer, seed: number): Buffer {
  const r = rng(seed);
  const buf = Buffer.from(src);
  switch (seed % 4) {
    case 0: {
      const flips = 1 + Math.floor(r() * 8);
      for (let i = 0; i < flips; i++) buf[Math.floor(r() * buf.length)] ^= 1 << Math.floor(r() * 8);
      return buf;
    }
    case 1:
      return buf.subarray(0, Math.floor(r() * buf.length));
    case 2: {
      const at = Math.floor(r() * buf.length);
      const ins = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)));
      return Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at)]);
    }
    default: {
      // Overwrite a 4-byte field with an extreme value: lengths, counts and offsets are the usual targets.
      const at = Math.floor(r() * Math.max(1, buf.length - 4));
      buf.writeUInt32LE([0xffffffff, 0x7fffffff, 0, 0x80000000][Math.floor(r() * 4)], at);
      return buf;
    }
  }
}

const BASES = [
  'benign/state_dict_proto2.pkl', 'benign/plain_proto0.pkl', 'benign/plain_proto5.pkl', 'benign/torch_state_dict.pt',
  'benign/torch_legacy.pt', 'benign/torch_tar.tar', 'benign/array.npy', 'benign/arrays.npz', 'benign/joblib_model.joblib',
  'benign/gzip_state_dict.pkl.gz', 'malicious/torchscript.pt', 'malicious/stack_global_memo.pkl', 'malicious/npy_object.npy',
];
const PER_BASE = 24;

let dir = '';
beforeAll(() => {
  dir = generateCorpus('scanner-fuzz').dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzzing mutated model files', () => {
  it(`never crashes, hangs or fails internally on ${BASES.length * PER_BASE} mutated inputs`, async () => {
    const options = defaultScanOptions({ timeoutMs: 5_000 });
    const problems: string[] = [];
    const verdicts: Record<string, number> = {};
    let slowest = 0;
    for (const base of BASES) {
      const src = readFileSync(join(dir, base));
      for (let i = 0; i < PER_BASE; i++) {
        const seed = i * 7919 + base.length;
        const data = mutate(src, seed);
        const started = Date.now();
        const report = await scanInputInProcess(bufferInput(data, `${base}#${seed}`), options);
        slowest = Math.max(slowest, Date.now() - started);
        verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
        const internal = report.findings.filter((f) => f.ruleId === 'scan.error' || f.ruleId === 'budget.timeout');
        if (internal.length > 0) problems.push(`${base} seed ${seed}: ${internal.map((f) => f.message).join('; ')}`);
        expect(['clean', 'suspicious', 'malicious', 'unscannable']).toContain(report.verdict);
      }
    }
    expect(problems).toEqual([]);
    expect(slowest).toBeLessThan(5_000);
    // Mutations must actually exercise the error paths, not only produce clean files.
    expect(verdicts.unscannable ?? 0).toBeGreaterThan(20);
  }, 120_000);
});
