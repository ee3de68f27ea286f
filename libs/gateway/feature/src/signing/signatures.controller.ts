import { SIGSTORE_BUNDLE_MEDIA_TYPE } from '@modelguard/signing';
import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { DownloadService } from '../packages/download.service';
import { SignedManifestService } from './signed-manifest.service';
import { SigningKeysService, type PublishedKey } from './signing-keys.service';
import { UploaderKeysService } from './uploader-keys.service';

/** Extension endpoints (openapi/modelguard-extensions.openapi.yaml): a version's signature bundle. */
@Controller()
@UseGuards(AuthGuard)
export class SignaturesController {
  constructor(
    private readonly downloads: DownloadService,
    private readonly signatures: SignedManifestService,
    private readonly uploaderKeys: UploaderKeysService,
  ) {}

  /** Same access and version resolution as a download; the bundle is served whatever the scan verdict (it is metadata). */
  @Get('artifacts/:artifact_type/:id/signature')
  @RequirePermission('download')
  async signature(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @Query('version') version: unknown, @Res() res: Response): Promise<void> {
    const d = await this.downloads.resolve(parseArtifactType(rawType), parseArtifactId(rawId), version);
    const bundle = await this.signatures.bundleText(d.artifact.id, d.version.version);
    if (bundle === null) throw new ClientError(404, `version ${d.version.version} of ${d.artifact.name} is not signed (not stored yet)`);
    res.status(200).setHeader('Content-Type', SIGSTORE_BUNDLE_MEDIA_TYPE);
    res.setHeader('X-ModelGuard-Version', d.version.version);
    // The uploader's own signature, verified at upload against their registered keys (or `none`).
    res.setHeader('X-ModelGuard-Uploader-Signature', await this.uploaderKeys.status(d.artifact.id, d.version.version));
    res.send(bundle);
  }
}

/** The registry's public keys: public on purpose, so anyone holding a download can verify it offline. */
@Controller()
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('signing-keys')
  async list(): Promise<{ keys: PublishedKey[] }> {
    return { keys: await this.keys.published() };
  }
}
