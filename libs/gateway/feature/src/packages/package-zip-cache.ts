import { contentRange, DigestCheck, parseRangeHeader, streamZip, isPackageError, type ByteRange, type StreamZipOptions } from '@modelguard/packages';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { qualifiedTable } from '@modelguard/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import type { ResolvedDownload } from './download.service';

/** Bumped whenever streamZip's output format changes, so zips assembled by an older build are never served. */
const ZIP_FORMAT = 'mg-zip-v1';
/** Large chunks: fewer syscalls and fewer hash updates per byte on the cached path (a static server's hot loop). */
const CHUNK = 1 << 20;

interface CachedZip {
  sha256: string;
  size: number;
}

/**
 * Full-package downloads (issue 13). Uploads are unpacked into per-file blobs and the original zip is not kept: it is
 * not the zip we serve (ours is canonical, adds SHA256SUMS and the signature bundle, and HF ingest has no zip at all).
 * So the first full download of a version is assembled by streamZip as before and teed into the blob store; later
 * full downloads stream that blob as it is (one read, one hash, no CRC-32 or zip framing), and Range works on it.
 * Trade-off: one more copy of each downloaded version's bytes in the store (collected by the janitor with the
 * version), against CPU per download. Sensitive models are never cached: their blobs get sealed when they are marked,
 * and a plaintext copy must not outlive that.
 *
 * Integrity: the cached blob is content-addressed by the SHA-256 measured while it was written, from bytes that had
 * each passed DigestCheck against the signed manifest. A full answer re-hashes it as it streams and holds back the
 * last chunk (DigestCheck), so a tampered zip blob is never served in full (aborted, audited by
 * guardDownloadIntegrity), unless the fs store has already seen this very file pass that check and its identity
 * (inode, size, ctime) is unchanged: any write to it changes ctime and brings the check back (getVerified). A Range
 * answer is not re-hashed (like /files ranges): a part cannot be checked alone.
 */
@Injectable()
export class PackageZipCache {
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'PackageZipCache' });
  }

  /** Everything the zip's bytes depend on; a different bundle or manifest is a different key. */
  keyOf(d: ResolvedDownload, opts: StreamZipOptions): string {
    const h = createHash('sha256').update(ZIP_FORMAT).update('\0').update(JSON.stringify(d.version.files));
    h.update('\0').update(opts.manifestName ?? '');
    for (const extra of opts.extraFiles ?? []) h.update('\0').update(extra.name).update('\0').update(extra.content);
    return h.digest('hex');
  }

  /**
   * The cache key of a full download, or null when this version must not be cached: its model is sensitive, or one
   * of its files is also a file of a sensitive model (that blob gets sealed, and a plaintext zip holding it must not
   * exist). Rows found for such a version are dropped so the janitor collects their zips.
   */
  async cacheKeyFor(d: ResolvedDownload, opts: StreamZipOptions): Promise<string | null> {
    if (await this.touchesSensitive(d)) {
      await this.dataSource.query(`DELETE FROM ${this.table()} WHERE artifact_id = $1 AND version = $2`, [d.artifact.id, d.version.version]);
      return null;
    }
    return this.keyOf(d, opts);
  }

  /**
   * Drops the cached zips that hold any of `sha256s` (the sealer calls this when it seals a sensitive model's
   * blobs): the janitor then collects those plaintext copies after its grace period.
   */
  static async forgetZipsHolding(m: EntityManager, sha256s: readonly string[]): Promise<void> {
    if (sha256s.length === 0) return;
    await m.query(
      `DELETE FROM ${qualifiedTable(m, 'package_zips')} z USING ${qualifiedTable(m, 'artifact_versions')} v
        WHERE v.artifact_id = z.artifact_id AND v.version = z.version
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.files) f WHERE f->>'sha256' = ANY($1::text[]))`,
      [sha256s],
    );
  }

  /** The cached zip for `key`, or null (none yet, or the blob is gone). */
  async lookup(key: string): Promise<CachedZip | null> {
    const rows: { zip_sha256: string; zip_size: string }[] = await this.dataSource.query(
      `SELECT zip_sha256, zip_size FROM ${this.table()} WHERE cache_key = $1`,
      [key],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const stat = await this.blobs.stat(row.zip_sha256);
    if (stat === null || stat.size !== Number(row.zip_size)) return null;
    return { sha256: row.zip_sha256, size: stat.size };
  }

  /** Range header → range of the cached zip; 416 when unsatisfiable. */
  rangeOf(header: string | undefined, size: number): ByteRange | null {
    try {
      return parseRangeHeader(header, size);
    } catch (error: unknown) {
      if (isPackageError(error)) throw new ClientError(416, error.message, { 'Content-Range': contentRange(null, size) });
      throw error;
    }
  }

  /** Streams the cached zip (or a range of it). Opened before any header is set, so a store fault is still a clean error. */
  async serve(zip: CachedZip, range: ByteRange | null, res: Response): Promise<void> {
    // A full answer is checked against the zip's address unless the store already verified this very copy (fs:
    // verified stat); then it goes from 1 MiB file reads straight to the socket, like a static file server.
    const body =
      range !== null
        ? await this.blobs.get(zip.sha256, range)
        : (await this.blobs.getVerified(zip.sha256, () => new DigestCheck({ path: 'package.zip', sha256: zip.sha256, size: zip.size }))).body;
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', `"${zip.sha256}"`);
    if (range !== null) {
      res.status(206).setHeader('Content-Range', contentRange(range, zip.size));
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.setHeader('Content-Length', String(zip.size));
    }
    await pipeline(body, res);
  }

  /**
   * Assembles the zip into `res` as before and, when `key` is given, tees the same bytes into the blob store. The
   * row is written only after the whole zip streamed without an error and the put committed, so a failed digest
   * check or a client that went away leaves nothing behind (the janitor sweeps the half-written temp file).
   */
  async assemble(d: ResolvedDownload, key: string | null, open: (sha256: string) => Promise<Readable>, res: Response, opts: StreamZipOptions): Promise<void> {
    if (key === null) return streamZip(d.version.files, open, res, opts);
    const zipOut = new PassThrough({ highWaterMark: CHUNK });
    const tee = new PassThrough({ highWaterMark: CHUNK });
    let ended = false;
    zipOut.once('end', () => (ended = true));
    zipOut.once('close', () => {
      if (!ended) tee.destroy(new Error('zip assembly did not finish'));
    });
    zipOut.pipe(tee);
    const stored = this.blobs.put(tee).then(
      (r) => r,
      () => null,
    );
    const sent = pipeline(zipOut, res);
    sent.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled meanwhile
    try {
      await streamZip(d.version.files, open, zipOut, opts);
      await sent;
    } catch (error: unknown) {
      tee.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    void stored.then((r) => (r === null ? undefined : this.remember(d, key, r))).catch((e: unknown) => this.log.warn(`package zip not cached: ${String(e)}`));
  }

  private async remember(d: ResolvedDownload, key: string, zip: { sha256: string; size: number }): Promise<void> {
    if (await this.touchesSensitive(d)) return; // marked while the zip streamed: the janitor collects the blob
    await this.dataSource.query(
      `INSERT INTO ${this.table()} (cache_key, artifact_id, version, zip_sha256, zip_size) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cache_key) DO NOTHING`,
      [key, d.artifact.id, d.version.version, zip.sha256, zip.size],
    );
  }

  private async touchesSensitive(d: ResolvedDownload): Promise<boolean> {
    const sensitive = qualifiedTable(this.dataSource, 'sensitive_models');
    const versions = qualifiedTable(this.dataSource, 'artifact_versions');
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM ${sensitive} WHERE artifact_id = $1)
          OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS c(sha256)
                      JOIN ${versions} v ON v.files @> jsonb_build_array(jsonb_build_object('sha256', c.sha256))
                      JOIN ${sensitive} m ON m.artifact_id = v.artifact_id)`,
      [d.artifact.id, d.version.files.map((f) => f.sha256)],
    );
    return rows.length > 0;
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'package_zips');
  }
}
