import { describe, expect, it } from 'vitest';
import { FsTestBlobStore } from '../test/fs-test-blob-store';
import { SpoolBacking } from './spool-backing';

// In archive order, not overlapping; two of them adjacent.
const spans = [
  [10, 11],
  [30, 34],
  [50, 57],
  [57, 77],
  [90, 103],
].map(([start, end], i) => ({ start, end, sha256: String(i).repeat(64) }));
const backing = new SpoolBacking(spans, new FsTestBlobStore('/nonexistent'));
const spanAt = (at: number): (typeof spans)[number] | undefined => spans.find((s) => s.start <= at && at < s.end);

let seed = 7;
const next = (mod: number): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return (seed >>> 8) % mod;
};

describe('SpoolBacking', () => {
  it('tells whether a range touches a skipped span, as a scan of every span would (random ranges)', () => {
    for (let i = 0; i < 2000; i += 1) {
      const start = next(120);
      const end = start + 1 + next(30);
      expect(backing.covers(start, end), `[${start}, ${end})`).toBe(spans.some((s) => s.start < end && s.end > start));
    }
  });

  it('cuts a range into file and blob pieces that cover it exactly, in order', () => {
    expect(backing.pieces(5, 60).map((p) => [p.start, p.end, p.span?.start ?? null])).toEqual([
      [5, 10, null],
      [10, 11, 10],
      [11, 30, null],
      [30, 34, 30],
      [34, 50, null],
      [50, 57, 50],
      [57, 60, 57],
    ]);
    for (let i = 0; i < 500; i += 1) {
      const start = next(120);
      const end = start + 1 + next(40);
      let at = start;
      for (const piece of backing.pieces(start, end)) {
        expect(piece.start).toBe(at);
        for (let b = piece.start; b < piece.end; b += 1) expect(spanAt(b)).toBe(piece.span);
        at = piece.end;
      }
      expect(at).toBe(end);
    }
  });
});
