import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import type { BlobRangeReader, BlobWriter } from './blob-writer';
import { EntryVerifier } from './entry-verifier';
import { DATA_DESCRIPTOR_MAX, DATA_DESCRIPTOR_SIGNATURE, ENCRYPTION_FLAGS, matchDataDescriptor, readLocalRecord, signaturePrefixAtEnd, type LocalHeader } from './local-header';
import type { PrefetchedEntry, PrefetchResult } from './prefetch-result';
import { SpoolBacking, type BackedSpan } from './spool-backing';
import type { ZipLimits } from './zip-limits';

/** A stored entry's data, held by its blob instead of the spool file; `sha256` once the blob is stored. */
interface RawSpan {
  start: number;
  end: number;
  open: boolean;
  sha256?: string;
  failure?: unknown;
}

/**
 * Blob-store writes under way at once, the arriving entry's included: the previous entry may still be finishing (an
 * fsync, an S3 multipart completion) while the next one arrives. Each may hold an S3 multipart upload's part buffers.
 */
const MAX_PUTS_IN_FLIGHT = 2;
/**
 * Signatures in one entry's data that were data. Each costs a check and two writes (data of `PK\x07\x08` repeated:
 * every 4 bytes), so past this many the prefetch stops; a plain spool's cost does not depend on the content.
 */
const MAX_FALSE_SIGNATURES = 1000;
/** Buffered per entry between the request and the blob store, as the spool's reads of entries are (zip-file-source.ts). */
const ENTRY_BUFFER = 1 << 20;
const ignore = (): void => undefined;

interface OpenEntry {
  /** Stream offset of the local header. */
  offset: number;
  header: LocalHeader;
  /** Where the entry's data goes (the inflater for deflated entries); null when this entry is not stored early. */
  input: Writable | null;
  /** What the blob store reads: for a deflated entry its verifier, destroyed with the input if prefetching stops. */
  body: Readable | null;
  /** A stored entry's raw bytes, which its blob holds so that the spool file need not. */
  span: RawSpan | null;
  /** Compressed bytes still to come; null for a stored entry whose data descriptor ends it. */
  left: number | null;
  /** CRC-32 of a stored entry's bytes so far. */
  crc: number;
  seen: number;
  falseSignatures: number;
  complete: boolean;
}

/**
 * Stores a zip upload's entries while its bytes arrive: one pass over the bytes instead of a spool read back entry by
 * entry. ingestZipToBlobStore still opens the archive through its central directory and takes an entry stored here
 * only where that names the same local header, method, sizes and CRC-32 (the very bytes it would read); a lying local
 * header costs speed, never a different answer. Anything unusual (deflated data of unknown length, encryption, an
 * unknown record, a limit) stops the prefetch, never the upload.
 */
export class ZipPrefetcher {
  private readonly found = new Map<number, PrefetchedEntry>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly spans: RawSpan[] = [];
  /** First span takenWithin may still need (the spool asks in stream order). */
  private spanCursor = 0;
  private state: 'reading' | 'done' | 'stopped' = 'reading';
  /** Bytes not yet consumed, kept as they came until `need` of them are there (a header is joined once, not per chunk). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private need = 0;
  /** Stream offset of the first byte not yet consumed. */
  private offset = 0;
  private open: OpenEntry | null = null;
  private entries = 0;
  /** Uncompressed bytes taken on so far, against limits.maxUnpackedBytes. */
  private claimed = 0;

  constructor(
    private readonly blobs: BlobWriter & BlobRangeReader,
    private readonly limits: ZipLimits,
  ) {}

  /** Takes the archive's next bytes; resolves when it can take more (blob-store back-pressure). Never rejects. */
  async push(chunk: Buffer): Promise<void> {
    if (this.state !== 'reading') return;
    if (this.carryBytes + chunk.length < this.need) {
      this.carry.push(chunk);
      this.carryBytes += chunk.length;
      return;
    }
    let buf = this.carryBytes === 0 ? chunk : Buffer.concat([...this.carry, chunk]);
    this.carry = [];
    this.carryBytes = 0;
    this.need = 0;
    while (this.state === 'reading' && buf.length > 0) {
      const used = this.open === null ? this.readHeader(buf) : this.readData(buf, this.open);
      if (used === 0) {
        this.carry = [buf];
        this.carryBytes = buf.length;
        return;
      }
      this.offset += used;
      buf = buf.subarray(used);
      await this.backPressure();
    }
  }

  /**
   * The parts of stream bytes [start, end) that a blob holds (stored entries' data), so the spool may skip them. Asked
   * after push() took those bytes, in stream order; a byte not reported here may still reach a blob later (it is
   * then in both places).
   */
  takenWithin(start: number, end: number): Array<[number, number]> {
    while (this.spanCursor < this.spans.length && !this.spans[this.spanCursor].open && this.spans[this.spanCursor].end <= start) this.spanCursor += 1;
    const out: Array<[number, number]> = [];
    for (let i = this.spanCursor; i < this.spans.length && this.spans[i].start < end; i += 1) {
      const from = Math.max(start, this.spans[i].start);
      const to = Math.min(end, this.spans[i].end);
      if (from < to) out.push([from, to]);
    }
    return out;
  }

  /**
   * After the last byte: waits for the blob-store writes under way. Rejects with the store's error if a blob that
   * stands in for skipped spool bytes could not be written (the archive is then incomplete: a storage failure).
   */
  async finish(): Promise<PrefetchResult> {
    if (this.state === 'reading') this.stop();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    const backed: BackedSpan[] = [];
    for (const { start, end, sha256, failure } of this.spans) {
      if (end === start) continue;
      if (sha256 === undefined) throw failure ?? new Error('a prefetched blob was not stored');
      backed.push({ start, end, sha256 });
    }
    return { prefetched: this.found, backing: new SpoolBacking(backed, this.blobs) };
  }

  /** The upload failed: stop at once. Blobs already stored are unreferenced, as when any upload fails midway. */
  abort(): void {
    this.stop();
  }

  private readHeader(buf: Buffer): number {
    const record = readLocalRecord(buf);
    if (record.kind === 'need-more') {
      this.need = record.need;
      return 0;
    }
    if (record.kind === 'central-directory') {
      this.state = 'done';
      return buf.length;
    }
    const header = record.kind === 'local' ? record.header : null;
    this.entries += 1;
    // A deflated entry with a data descriptor ends where its deflate stream does: only inflating it would tell.
    const delimitable = header !== null && (header.compressedSize !== null || header.method === 0);
    if (header === null || !delimitable || (header.flags & ENCRYPTION_FLAGS) !== 0 || this.entries > this.limits.maxZipEntries) {
      this.stop();
      return buf.length;
    }
    const dataStart = this.offset + header.headerLength;
    const entry: OpenEntry = { offset: this.offset, header, input: null, body: null, span: null, left: header.compressedSize, crc: 0, seen: 0, falseSignatures: 0, complete: false };
    this.open = entry;
    if (header.method === 0 || header.method === 8) this.startPut(entry, dataStart);
    if (entry.left === 0) this.close(entry);
    return header.headerLength;
  }

  private readData(buf: Buffer, entry: OpenEntry): number {
    if (entry.left !== null) {
      const n = Math.min(entry.left, buf.length);
      this.deliver(entry, buf.subarray(0, n));
      entry.left -= n;
      if (entry.left === 0) this.close(entry);
      return n;
    }
    // Stored, with a data descriptor: the data ends where a descriptor that agrees with it begins.
    const at = buf.indexOf(DATA_DESCRIPTOR_SIGNATURE);
    const dataBytes = at === -1 ? buf.length - signaturePrefixAtEnd(buf) : at;
    if (dataBytes > 0) {
      this.deliver(entry, buf.subarray(0, dataBytes));
      return dataBytes;
    }
    this.need = DATA_DESCRIPTOR_MAX;
    if (at === -1) return 0;
    const descriptor = matchDataDescriptor(buf, entry.crc, entry.seen);
    if (descriptor === null) return 0;
    this.need = 0;
    if (descriptor === 0) {
      entry.falseSignatures += 1;
      if (entry.falseSignatures > MAX_FALSE_SIGNATURES) {
        this.stop();
        return 1;
      }
      this.deliver(entry, buf.subarray(0, 1));
      return 1;
    }
    this.close(entry);
    return descriptor;
  }

  private deliver(entry: OpenEntry, data: Buffer): void {
    if (entry.left === null) {
      this.claimed += data.length;
      if (this.claimed > this.limits.maxUnpackedBytes) return void this.stop();
    }
    if (entry.span !== null || entry.left === null) entry.crc = crc32(data, entry.crc);
    entry.seen += data.length;
    if (entry.input === null || entry.input.destroyed || entry.input.writableEnded) return;
    entry.input.write(data);
    if (entry.span !== null) entry.span.end += data.length;
  }

  /** Starts the blob-store write of an entry worth storing early; leaves `input` null otherwise. */
  private startPut(entry: OpenEntry, dataStart: number): void {
    const { header } = entry;
    const size = header.uncompressedSize;
    // A stored entry's blob takes the compressed size's bytes whatever the uncompressed size claims.
    const claim = size === null ? 0 : Math.max(size, header.method === 0 ? (header.compressedSize ?? 0) : 0);
    // Empty files and directories are not worth a blob write here; over-limit entries are the central directory's to refuse.
    if (size === 0 || this.claimed + claim > this.limits.maxUnpackedBytes) return;
    if (size !== null && header.method === 8 && size > 1024 && size / Math.max(header.compressedSize ?? 0, 1) > this.limits.maxZipRatio) return;
    this.claimed += claim;
    if (header.method === 0) {
      // Stored: the blob is the raw bytes, checked (CRC-32, size) by ingestZipToBlobStore against the central directory.
      entry.input = entry.body = new PassThrough({ highWaterMark: ENTRY_BUFFER });
      entry.span = { start: dataStart, end: dataStart, open: true };
      this.spans.push(entry.span);
    } else {
      const budget = { remaining: this.limits.maxUnpackedBytes - this.claimed + (size ?? 0), limit: this.limits.maxUnpackedBytes };
      const verifier = new EntryVerifier(`entry at offset ${entry.offset}`, size ?? 0, header.crc ?? 0, budget);
      const inflate = createInflateRaw();
      inflate.on('error', (error) => verifier.destroy(error));
      verifier.on('error', () => inflate.destroy());
      inflate.pipe(verifier);
      entry.input = inflate;
      entry.body = verifier;
    }
    // Failures are reported through the blob store's put; these keep a late one from going unhandled.
    entry.body.on('error', ignore);
    entry.input.on('error', ignore);
    const { span } = entry;
    const stored = this.blobs.put(entry.body, { sizeHint: size ?? undefined }).then(
      ({ sha256, size: storedSize }) => {
        if (span !== null) span.sha256 = sha256;
        if (!entry.complete) return;
        if (span !== null && storedSize === entry.seen) {
          this.found.set(entry.offset, { method: 0, compressedSize: entry.seen, uncompressedSize: storedSize, crc: entry.crc >>> 0, sha256 });
        } else if (span === null && header.compressedSize !== null && header.crc !== null) {
          // EntryVerifier held the inflated bytes to the local header's size and CRC-32.
          this.found.set(entry.offset, { method: 8, compressedSize: header.compressedSize, uncompressedSize: storedSize, crc: header.crc, sha256 });
        }
      },
      (error: unknown) => {
        // Nothing reads the entry's stream any more: closing it releases a push() waiting for it to drain.
        entry.input?.destroy();
        entry.body?.destroy();
        // A deflated entry's failure is met again when ingestZipToBlobStore reads it from the spool; a stored
        // entry's bytes are only in its blob, so finish() reports it.
        if (span !== null) span.failure = error;
      },
    );
    const tracked: Promise<void> = stored.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private close(entry: OpenEntry): void {
    entry.complete = true;
    if (entry.span !== null) entry.span.open = false;
    if (entry.input !== null && !entry.input.destroyed) entry.input.end();
    this.open = null;
  }

  private stop(): void {
    this.state = 'stopped';
    this.carry = [];
    this.carryBytes = 0;
    const entry = this.open;
    this.open = null;
    if (entry === null) return;
    if (entry.span !== null) {
      // Its bytes so far are in no spool file: the blob must still be written, whole as far as it goes.
      entry.span.open = false;
      entry.input?.end();
      return;
    }
    entry.input?.destroy();
    entry.body?.destroy(new Error('prefetch stopped'));
  }

  private async backPressure(): Promise<void> {
    const input = this.open?.input;
    if (input && input.writableNeedDrain && !input.destroyed) await drained(input);
    while (this.open === null && this.inFlight.size >= MAX_PUTS_IN_FLIGHT) await Promise.race(this.inFlight);
  }
}

/** Resolves at the stream's next 'drain', or when it closes (a failed put destroys it). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => void (stream.off('drain', done).off('close', done), resolve());
    stream.on('drain', done).on('close', done);
  });
}
