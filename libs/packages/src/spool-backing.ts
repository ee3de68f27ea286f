import type { Readable } from 'node:stream';
import type { BlobRangeReader } from './blob-writer';

/** Archive bytes [start, end) that the spool file does not hold: they are the blob's bytes [0, end - start). */
export interface BackedSpan {
  start: number;
  end: number;
  sha256: string;
}

/** A run of archive bytes to read from the spool file (`span` absent) or from a blob. */
export interface SpoolPiece {
  start: number;
  end: number;
  span?: BackedSpan;
}

/**
 * Where a sparsely written upload spool (prefetching-spool.ts) keeps the bytes it skipped: stored entries' data went
 * into the blob store once, as the entries themselves, and is read back from there only if the central directory
 * asks for it under another description (see zip-file-source.ts). Spans are in archive order and do not overlap.
 */
export class SpoolBacking {
  static readonly NONE = new SpoolBacking([], { get: () => Promise.reject(new Error('no spool backing')) });

  constructor(
    readonly spans: readonly BackedSpan[],
    private readonly blobs: BlobRangeReader,
  ) {}

  /**
   * Whether any of [start, end) is held by a blob rather than the file. A binary search: the zip reader asks for every
   * header it reads, and an archive of many small stored entries has as many spans.
   */
  covers(start: number, end: number): boolean {
    const first = this.firstEndingAfter(start);
    return first < this.spans.length && this.spans[first].start < end;
  }

  /** [start, end) cut into file and blob pieces, in order. */
  pieces(start: number, end: number): SpoolPiece[] {
    const out: SpoolPiece[] = [];
    let at = start;
    for (let i = this.firstEndingAfter(start); i < this.spans.length; i += 1) {
      const span = this.spans[i];
      if (span.start >= end) break;
      if (span.start > at) out.push({ start: at, end: span.start });
      const to = Math.min(span.end, end);
      out.push({ start: at > span.start ? at : span.start, end: to, span });
      at = to;
    }
    if (at < end) out.push({ start: at, end });
    return out;
  }

  /** Index of the first span that ends after `offset` (spans are sorted and disjoint). */
  private firstEndingAfter(offset: number): number {
    let low = 0;
    let high = this.spans.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.spans[mid].end <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Archive bytes [start, end) from the blob of `span`, which holds them. */
  open(span: BackedSpan, start: number, end: number): Promise<Readable> {
    return this.blobs.get(span.sha256, { start: start - span.start, end: end - span.start - 1 });
  }
}
