import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, opendir, readdir, rm, stat, statfs, unlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline as pipelineStreams, type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ComponentHealth } from '@modelguard/observability';
import type { ByteRange } from '@modelguard/packages';
import { BlobIntegrityError, BlobNotFoundError } from './blob-errors';
import { FileSpan } from './file-span';
import { assertSha256, blobKey, isSha256, resolveRange } from './blob-id';
import { BlobStore, type PutBlobOptions, type PutBlobResult, type StoredBlob, type VerifiedBlob } from './blob-store';
import { HashingStream } from './hashing-stream';
import { discardPartialFile } from './partial-file';
import { VerifiedStats, type VerifiedStatOptions } from './verified-stats';

/**
 * Whole-blob reads for serving go 1 MiB at a time: a 64 KiB stream buffer costs 16x the reads, stream callbacks and
 * socket writes per byte (issue 13, bench/RESULTS.md). Ranges and other reads keep the default buffer.
 */
const SERVE_CHUNK = 1 << 20;

/**
 * Blobs as files under `root` (embedded mode, single machine). Writes go to `root/tmp/<uuid>`, are
 * fsync'ed, then hard-linked into place: `link` fails with EEXIST instead of overwriting, which gives
 * an atomic "create if absent" so concurrent puts of the same content are safe.
 */
export class FsBlobStore extends BlobStore {
  private readonly tmpDir: string;
  private readonly verified: VerifiedStats;

  constructor(
    private readonly root: string,
    opts: { verifiedStats?: VerifiedStatOptions } = {},
  ) {
    super();
    this.tmpDir = join(root, 'tmp');
    this.verified = new VerifiedStats(opts.verifiedStats);
  }

  async put(body: Readable, opts: PutBlobOptions = {}): Promise<PutBlobResult> {
    const expected = opts.expectedSha256 === undefined ? undefined : assertSha256(opts.expectedSha256);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    const hasher = new HashingStream(opts.maxBytes);
    // `flush: true` fsyncs before close: the data must be durable before a name promises it exists.
    const file = createWriteStream(tmp, { flags: 'wx', mode: 0o640, flush: true });
    try {
      const encoder = opts.encode?.();
      await (encoder ? pipeline(body, hasher, encoder, file) : pipeline(body, hasher, file));
    } catch (err) {
      await discardPartialFile(file, tmp);
      throw err;
    }
    try {
      const sha256 = hasher.sha256;
      if (expected !== undefined && expected !== sha256) throw new BlobIntegrityError(expected, sha256);
      const target = this.pathOf(sha256);
      await mkdir(dirname(target), { recursive: true });
      const created = await linkIfAbsent(tmp, target);
      if (created) await fsyncDir(dirname(target));
      // A deduplicated put makes an old blob live again: refresh its mtime so the janitor's grace period (which
      // goes by mtime) starts over and it is not collected before the new reference is committed.
      else await utimes(target, new Date(), new Date()).catch(() => undefined);
      return { sha256, size: hasher.byteCount, created };
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(sha256);
    const size = await this.sizeOf(path);
    if (size === null) throw new BlobNotFoundError(sha256);
    if (!range) return createReadStream(path);
    const r = resolveRange(range, size);
    return createReadStream(path, { start: r.start, end: r.end });
  }

  /**
   * The verified-stat fast path (issue 13): a file this process has already read whole and seen pass `check`, and
   * whose identity (fstat of the descriptor opened here) has not changed since, is streamed as it is; otherwise the
   * bytes go through `check` and, when it passes and the file did not change during the read, its identity is
   * remembered (verified-stats.ts). The fast path's body is a FileSpan: `sendBody` writes it to a response from two
   * reused buffers. Not recorded at put: a just-written file's ctime is always too recent to rule
   * out a later write in the same timestamp tick, so the first full read after put still hashes.
   */
  override async getVerified(sha256: string, check: () => Transform): Promise<VerifiedBlob> {
    const path = this.pathOf(sha256);
    const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobNotFoundError(sha256) : err;
    });
    let before;
    try {
      before = await fh.stat({ bigint: true });
      if (!before.isFile()) throw new BlobNotFoundError(sha256);
    } catch (err) {
      await fh.close();
      throw err;
    }
    const startedAt = Date.now();
    if (this.verified.matches(sha256, before, startedAt)) return { body: new FileSpan(fh, 0, Number(before.size)), fromVerifiedStat: true };
    const body = fh.createReadStream({ highWaterMark: SERVE_CHUNK });
    const checked = check();
    const verified = this.verified;
    // Runs once `checked` has passed its last chunk on, i.e. after its digest matched; before the consumer's 'end'.
    const remember = new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) => cb(null, chunk),
      flush: (cb: TransformCallback) => {
        stat(path, { bigint: true }).then(
          (after) => {
            verified.record(sha256, before, after, startedAt);
            cb();
          },
          () => cb(),
        );
      },
    });
    // pipeline, not pipe: a consumer that destroys the result (client gone) also closes the file, and a failed
    // check destroys the result with its error.
    return { body: pipelineStreams(body, checked, remember, () => undefined), fromVerifiedStat: false };
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    const size = await this.sizeOf(this.pathOf(sha256));
    return size === null ? null : { size };
  }

  async delete(sha256: string): Promise<void> {
    this.verified.forget(sha256);
    await rm(this.pathOf(sha256), { force: true });
  }

  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const s = await stat(path).catch(() => null);
      if (s && s.mtimeMs < cutoff) {
        await rm(path, { force: true, recursive: true });
        removed += 1;
      }
    }
    return removed;
  }

  async *list(pageSize = 1000): AsyncIterable<StoredBlob[]> {
    let page: StoredBlob[] = [];
    // opendir streams directory entries instead of reading a whole fan-out level into an array.
    for await (const a of await openDirIfAny(join(this.root, 'sha256'))) {
      for await (const b of await openDirIfAny(join(this.root, 'sha256', a.name))) {
        for await (const f of await openDirIfAny(join(this.root, 'sha256', a.name, b.name))) {
          if (!isSha256(f.name) || blobKey(f.name) !== `sha256/${a.name}/${b.name}/${f.name}`) continue;
          const s = await stat(join(this.root, blobKey(f.name))).catch(() => null);
          if (!s?.isFile()) continue;
          page.push({ sha256: f.name, size: s.size, modifiedAt: s.mtime });
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
      }
    }
    if (page.length > 0) yield page;
  }

  async deleteMany(sha256s: readonly string[]): Promise<void> {
    for (const sha256 of sha256s) await this.delete(sha256);
  }

  async healthCheck(): Promise<ComponentHealth> {
    await mkdir(this.tmpDir, { recursive: true });
    // Proves the directory is writable, not just present (read-only remounts happen).
    const probe = join(this.tmpDir, `health-${randomUUID()}`);
    const fh = await open(probe, 'wx', 0o600);
    await fh.close();
    await unlink(probe);
    const fsStats = await statfs(this.root);
    const freeBytes = fsStats.bavail * fsStats.bsize;
    const totalBytes = fsStats.blocks * fsStats.bsize;
    const lowSpace = totalBytes > 0 && freeBytes / totalBytes < 0.05;
    return {
      status: lowSpace ? 'degraded' : 'ok',
      metrics: { driver: 'fs', free_bytes: freeBytes, total_bytes: totalBytes },
      issues: lowSpace ? [{ code: 'low_disk_space', severity: 'warning', summary: 'Less than 5% of the blob volume is free' }] : undefined,
    };
  }

  private pathOf(sha256: string): string {
    return join(this.root, blobKey(sha256));
  }

  private async sizeOf(path: string): Promise<number | null> {
    try {
      const s = await stat(path);
      return s.isFile() ? s.size : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** The entries of `dir`, or none when it does not exist (an empty store, a fan-out directory just removed). */
async function openDirIfAny(dir: string): Promise<AsyncIterable<{ name: string }> | Iterable<{ name: string }>> {
  try {
    return await opendir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

async function linkIfAbsent(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
