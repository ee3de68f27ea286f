import { contentRange, DigestCheck, parseRangeHeader, streamZip, isPackageError, type ByteRange, type StreamZipOptions } from '@modelguard/packages';
import { type Logger, SERVICE_LOGGER, SERVICE_METRICS, type ServiceMetrics } from '@modelguard/observability';
import { qualifiedTable } from '@modelguard/persistence';
import { sendBody } from '@modelguard/storage';
import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { BuildFlights } from './build-flights';
import type { ResolvedDownload } from './download.service';

/** Bumped whenever streamZip's output format changes, so zips assembled by an older build are never served. */
const ZIP_FORMAT = 'mg-zip-v1';
/** Large chunks: fewer syscalls and fewer hash updates per byte on the cached path (a static server's hot loop). */
const CHUNK = 1 << 20;
/**
 * How long full downloads of a version wait for another request's build of its zip before building it themselves
 * (build-flights.ts; GatewaySettings zipBuildWaitMs overrides it). A healthy build of a large package takes a few
 * seconds here; a leader whose own client reads slowly (or not at all) would otherwise hold every waiter back: past
 * this bound one waiter builds again.
 */
const BUILD_WAIT_MS = 10_000;

export interface CachedZip {
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
export class PackageZipCache implements BeforeApplicationShutdown {
  private readonly log: Logger;
  /** Tees still writing a zip (and then its row) after their response ended: shutdown waits for them. */
  private readonly finishing = new Set<Promise<void>>();
  /** One build per cache key at a time in this process; the other first downloads wait for it (sendFull). */
  private readonly builds: BuildFlights<CachedZip>;
  private readonly assemblies: { inc(): void };
  private readonly shared: { inc(): void };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(SERVICE_LOGGER) logger: Logger,
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
    @Optional() @Inject(SERVICE_METRICS) metrics?: ServiceMetrics,
  ) {
    this.log = logger.child({ context: 'PackageZipCache' });
    this.builds = new BuildFlights<CachedZip>(settings.gateway.zipBuildWaitMs ?? BUILD_WAIT_MS);
    const none = { inc: () => undefined };
    this.assemblies =
      metrics?.counter({ name: 'modelguard_package_zip_builds_total', help: 'Full-package zips assembled on the fly and teed into the zip cache' }) ?? none;
    this.shared =
      metrics?.counter({ name: 'modelguard_package_zip_shared_total', help: "Full downloads served from another request's zip build they waited for" }) ?? none;
    const builds = this.builds;
    metrics?.gauge({
      name: 'modelguard_package_zip_build_waiters',
      help: "Full downloads waiting for another request's build of the same zip",
      collect() {
        this.set(builds.waiting);
      },
    });
  }

  /** Everything the zip's bytes depend on; a different bundle or manifest is a different key. */
  keyOf(d: ResolvedDownload, opts: StreamZipOptions): string {
    const h = createHash('sha256').update(ZIP_FORMAT).update('\0').update(JSON.stringify(d.version.files));
    h.update('\0').update(opts.manifestName ?? '');
    for (const extra of opts.extraFiles ?? []) h.update('\0').update(extra.name).update('\0').update(extra.content);
    return h.digest('hex');
  }

  /**
   * The cache key of a full download and its cached zip, in one query (issue 13: per-download statements are what
   * queued on the pool under 100 concurrent clients). The key is null when this version must not be cached: its
   * model is sensitive, or one of its files is also a file of a sensitive model (that blob gets sealed, and a
   * plaintext zip holding it must not exist). Rows found for such a version are dropped so the janitor collects
   * their zips.
   */
  async findFull(d: ResolvedDownload, opts: StreamZipOptions): Promise<{ key: string | null; cached: CachedZip | null }> {
    const key = this.keyOf(d, opts);
    const rows: { sensitive: boolean; zip_sha256: string | null; zip_size: string | null }[] = await this.dataSource.query(
      `SELECT ${this.sensitiveSql('$1', '$2')} AS sensitive, z.zip_sha256, z.zip_size
         FROM (SELECT 1) AS one LEFT JOIN ${this.table()} z ON z.cache_key = $3`,
      [d.artifact.id, d.version.files.map((f) => f.sha256), key],
    );
    const row = rows[0];
    if (row === undefined || row.sensitive) {
      await this.dataSource.query(`DELETE FROM ${this.table()} WHERE artifact_id = $1 AND version = $2`, [d.artifact.id, d.version.version]);
      return { key: null, cached: null };
    }
    return { key, cached: row.zip_sha256 === null ? null : await this.present(row.zip_sha256, Number(row.zip_size)) };
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
    return row === undefined ? null : this.present(row.zip_sha256, Number(row.zip_size));
  }

  /** The cached zip when its blob is still there with the recorded size (else the row is stale: assemble again). */
  private async present(sha256: string, size: number): Promise<CachedZip | null> {
    const stat = await this.blobs.stat(sha256);
    return stat === null || stat.size !== size ? null : { sha256, size };
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
    await sendBody(body, res);
  }

  /**
   * A full download of a version whose zip was not cached when the request looked (`key` non-null: cacheable). The
   * first such request in this process builds it (assemble); the others wait for that build's row and then serve
   * the cached blob like any later download, Range included, with the same re-hash on the way out (serve). When
   * the build fails, or its client goes away before the row is written, one waiter builds instead (build-flights.ts).
   */
  async sendFull(d: ResolvedDownload, key: string, rangeHeader: string | undefined, open: (sha256: string) => Promise<Readable>, res: Response, opts: StreamZipOptions): Promise<void> {
    const turn = await this.builds.join(key);
    if (turn.kind === 'shared') {
      this.shared.inc();
      return this.serve(turn.value, this.rangeOf(rangeHeader, turn.value.size), res);
    }
    const clientGone = () => res.socket?.destroyed !== false;
    if (clientGone()) return turn.settle(null); // its client left while it waited: build nothing
    let found: CachedZip | null;
    try {
      // A build that committed between this request's first look and its turn (or in another replica).
      found = await this.lookup(key);
    } catch (error: unknown) {
      turn.settle(null);
      throw error;
    }
    if (found !== null) {
      turn.settle(found);
      return clientGone() ? undefined : this.serve(found, this.rangeOf(rangeHeader, found.size), res);
    }
    if (clientGone()) return turn.settle(null);
    return this.assemble(d, key, open, res, opts, turn.settle);
  }

  /**
   * Assembles the zip into `res` as before and, when `key` is given, tees the same bytes into the blob store. The
   * row is written only after the whole zip streamed without an error and the put committed, so a failed digest
   * check or a client that went away leaves nothing behind (the janitor sweeps the half-written temp file).
   * `committed` is called once when `key` is given: with the cached zip once its row is written, else with null.
   */
  async assemble(
    d: ResolvedDownload,
    key: string | null,
    open: (sha256: string) => Promise<Readable>,
    res: Response,
    opts: StreamZipOptions,
    committed: (zip: CachedZip | null) => void = () => undefined,
  ): Promise<void> {
    if (key === null) return streamZip(d.version.files, open, res, opts);
    this.assemblies.inc();
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
      committed(null);
      throw error;
    }
    const finishing = stored
      .then((r) => (r === null ? null : this.remember(d, key, { sha256: r.sha256, size: r.size })))
      .then(committed, (e: unknown) => {
        this.log.warn(`package zip not cached: ${String(e)}`);
        committed(null);
      });
    this.finishing.add(finishing);
    void finishing.finally(() => this.finishing.delete(finishing));
  }

  /**
   * Before the database and the blob store close, the zips still being written finish (up to BUILD_WAIT_MS): a
   * shutdown that cut them off would leave temp files for the janitor, and a test removing its blob directory raced
   * such a write (ENOTEMPTY).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.finishing.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, BUILD_WAIT_MS)));
    await Promise.race([Promise.allSettled([...this.finishing]), bound]);
    clearTimeout(timer);
  }

  /** Writes the row; the zip as cached, or null when it is not (sensitive now, or another build's row came first). */
  private async remember(d: ResolvedDownload, key: string, zip: CachedZip): Promise<CachedZip | null> {
    if (await this.touchesSensitive(d)) return null; // marked while the zip streamed: the janitor collects the blob
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO ${this.table()} (cache_key, artifact_id, version, zip_sha256, zip_size) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (cache_key) DO NOTHING RETURNING cache_key`,
      [key, d.artifact.id, d.version.version, zip.sha256, zip.size],
    );
    return rows.length > 0 ? zip : null;
  }

  private async touchesSensitive(d: ResolvedDownload): Promise<boolean> {
    const rows: { sensitive: boolean }[] = await this.dataSource.query(`SELECT ${this.sensitiveSql('$1', '$2')} AS sensitive`, [
      d.artifact.id,
      d.version.files.map((f) => f.sha256),
    ]);
    return rows[0]?.sensitive !== false;
  }

  /** True when artifact `id` is sensitive or one of the blobs `sha256s` (text[]) is also a sensitive model's file. */
  private sensitiveSql(id: string, sha256s: string): string {
    const sensitive = qualifiedTable(this.dataSource, 'sensitive_models');
    const versions = qualifiedTable(this.dataSource, 'artifact_versions');
    return `(EXISTS (SELECT 1 FROM ${sensitive} WHERE artifact_id = ${id})
          OR EXISTS (SELECT 1 FROM unnest(${sha256s}::text[]) AS c(sha256)
                      JOIN ${versions} v ON v.files @> jsonb_build_array(jsonb_build_object('sha256', c.sha256))
                      JOIN ${sensitive} m ON m.artifact_id = v.artifact_id))`;
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'package_zips');
  }
}
