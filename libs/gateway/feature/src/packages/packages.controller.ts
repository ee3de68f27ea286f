import { Controller, Get, Headers, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ArtifactView } from '../artifacts/artifact-view';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { shownVersion } from '../domain/version-query';
import { contentRange, isPackageError, parseRangeHeader, streamZip, type ByteRange } from '@modelguard/packages';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';
import { DownloadMonitorService } from '../sensitive/download-monitor.service';
import { RefusalRecorder } from '../http/refusal-recorder';
import { sendBody } from '@modelguard/storage';
import { guardDownloadIntegrity } from './download-integrity';
import { DownloadService, type ResolvedDownload } from './download.service';
import { selectPackageFiles } from './package-selection';
import { PackageZipCache } from './package-zip-cache';
import { UploadService } from './upload.service';

export const SCAN_WARNING_HEADER = 'X-ModelGuard-Scan-Warning';

/** Extension endpoints (openapi/modelguard-extensions.openapi.yaml): package upload and streamed downloads. */
@Controller()
@UseGuards(AuthGuard)
export class PackagesController {
  constructor(
    private readonly downloads: DownloadService,
    private readonly uploads: UploadService,
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    private readonly monitor: DownloadMonitorService,
    private readonly refusals: RefusalRecorder,
    private readonly zips: PackageZipCache,
  ) {}

  @Get('artifacts/:artifact_type/:id/download')
  @RequirePermission('download')
  async download(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
    @CurrentActor() actor: RequestActor,
    @Headers('range') rangeHeader: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const d = await this.downloads.resolve(parseArtifactType(rawType), parseArtifactId(rawId), query['version']);
    const selection = selectPackageFiles(d.version.files, query['part'], query['glob']);
    const zipOptions = await this.downloads.zipOptions(d, selection.label);
    // The whole package is served from its assembled zip when one is cached, else assembled once while concurrent
    // first downloads wait for that build (PackageZipCache.sendFull); parts are always built on the fly.
    const { key: cacheKey, cached } = selection.label === 'full' ? await this.zips.findFull(d, zipOptions) : { key: null, cached: null };
    const range = cached === null ? null : this.zips.rangeOf(rangeHeader, cached.size);
    // A sensitive model's monitor program decides first, on the very zip served (sensitive/download-monitor.service.ts).
    await this.monitor.check(d, selection.files, selection.label, actor, zipOptions);
    await this.downloads.record(d, selection.label, actor, req);
    setWarning(res, d);
    const suffix = selection.label === 'full' ? '' : `-${selection.label.replace(/[^a-zA-Z0-9]+/g, '_').slice(0, 40)}`;
    res.status(200).setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${d.artifact.id}-${shownVersion(d.version)}${suffix}.zip"`);
    // The key, as events and the audit trail name it; the file name carries the version users see.
    res.setHeader('X-ModelGuard-Version', d.version.version);
    // RFC 9110 9.3.2: a HEAD may omit what only generating the content determines. Without a cached zip that is its
    // length, and generating it would read every blob of the package only for Node to drop the bytes.
    if (req.method === 'HEAD' && cached === null) {
      res.end();
      return;
    }
    // A blob that fails its digest or decryption mid-stream aborts the zip and is audited (download-integrity.ts).
    await guardDownloadIntegrity(req, res, this.refusals, () =>
      cached !== null
        ? this.zips.serve(cached, range, res)
        : cacheKey !== null
          ? this.zips.sendFull(d, cacheKey, rangeHeader, (sha256) => this.blobs.get(sha256), res, zipOptions)
          : streamZip(selection.files, (sha256) => this.blobs.get(sha256), res, zipOptions),
    );
  }

  @Get('artifacts/:artifact_type/:id/files/*path')
  @RequirePermission('download')
  async file(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Query('version') version: unknown,
    @Headers('range') rangeHeader: string | undefined,
    @CurrentActor() actor: RequestActor,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const path = filePathOf(req.originalUrl);
    const d = await this.downloads.resolve(parseArtifactType(rawType), parseArtifactId(rawId), version);
    const entry = this.downloads.findFile(d, path);
    const range = rangeOf(rangeHeader, entry.size);
    // The program sees a zip of exactly the file being served.
    await this.monitor.check(d, [entry], `file:${path}`, actor);
    await this.downloads.record(d, `file:${path}`.slice(0, 1000), actor, req);
    await guardDownloadIntegrity(req, res, this.refusals, async () => {
      // Opened before any header is set: an encrypted blob whose header fails is still a plain JSON 409 refusal.
      const body = await this.downloads.openFile(entry, range ?? undefined);
      setWarning(res, d);
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('ETag', `"${entry.sha256}"`);
      res.setHeader('X-Checksum-SHA256', entry.sha256);
      if (range !== null) {
        res.status(206).setHeader('Content-Range', contentRange(range, entry.size));
        res.setHeader('Content-Length', String(range.end - range.start + 1));
      } else {
        res.status(200).setHeader('Content-Length', String(entry.size));
      }
      await sendBody(body, res);
    });
  }

  @Post('artifact/:artifact_type/package')
  @RequirePermission('upload')
  async uploadNew(
    @Param('artifact_type') rawType: string,
    @Query('name') name: unknown,
    @Query('version') version: unknown,
    @CurrentActor() actor: RequestActor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArtifactView> {
    const view = await this.uploads.createFromUpload(parseArtifactType(rawType), name, version, req, declaredLength(req), actor, uploaderBundleOf(req));
    res.status(201);
    return view;
  }

  @Put('artifacts/:artifact_type/:id/package')
  @RequirePermission('upload')
  uploadVersion(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Query('version') version: unknown,
    @CurrentActor() actor: RequestActor,
    @Req() req: Request,
  ): Promise<{ version: string }> {
    return this.uploads.addVersionFromUpload(parseArtifactType(rawType), parseArtifactId(rawId), version, req, declaredLength(req), actor, uploaderBundleOf(req));
  }
}

function setWarning(res: Response, d: ResolvedDownload): void {
  // Header values must be plain ASCII; reasons may quote arbitrary finding text.
  if (d.warning !== null) res.setHeader(SCAN_WARNING_HEADER, d.warning.replace(/[^\x20-\x7e]/g, '?').slice(0, 500));
}

function rangeOf(header: string | undefined, size: number): ByteRange | null {
  try {
    return parseRangeHeader(header, size);
  } catch (error: unknown) {
    if (isPackageError(error)) throw new ClientError(416, error.message, { 'Content-Range': contentRange(null, size) });
    throw error;
  }
}

/** The uploader's own signature: a Sigstore bundle (JSON), base64, in this header. */
export const UPLOADER_BUNDLE_HEADER = 'x-modelguard-uploader-bundle';

function uploaderBundleOf(req: Request): string | undefined {
  const raw = req.headers[UPLOADER_BUNDLE_HEADER];
  return typeof raw === 'string' ? raw.trim() : undefined;
}

function declaredLength(req: Request): number | undefined {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function filePathOf(originalUrl: string): string {
  const pathname = originalUrl.split('?')[0] ?? '';
  const marker = pathname.indexOf('/files/');
  try {
    const path = decodeURIComponent(pathname.slice(marker + '/files/'.length));
    if (path.length === 0 || path.length > 1024) throw new ClientError(400, 'file path must be 1 to 1024 characters');
    return path;
  } catch (error: unknown) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(400, 'file path is not valid percent-encoding');
  }
}
