import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { InternalProxyService } from './internal-proxy.service';

/** Audit trail (spec) and scan report (extension), both owned by other services and proxied after a 404 check here. */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class AuditController {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly dataSource: DataSource,
    private readonly proxy: InternalProxyService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  @Get('artifact/:artifact_type/:id/audit')
  async audit(@Param('artifact_type') rawType: string, @Param('id') rawId: string): Promise<unknown> {
    const id = parseArtifactId(rawId);
    await this.artifacts.require(this.dataSource.manager, parseArtifactType(rawType), id);
    return this.proxy.getJson(this.settings.services.auditUrl, `/internal/artifacts/${encodeURIComponent(id)}/audit`, 'the audit service');
  }

  @Get('artifacts/:artifact_type/:id/scan-report')
  async scanReport(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @Query('version') version: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const id = parseArtifactId(rawId);
    await this.artifacts.require(this.dataSource.manager, parseArtifactType(rawType), id);
    // The scan service validates the version string itself (400 on garbage); we only pass it on, encoded.
    const query = typeof version === 'string' && version.length > 0 ? `?version=${encodeURIComponent(version)}` : '';
    const path = `/internal/artifacts/${encodeURIComponent(id)}/scan-report${query}`;
    const upstream = await this.proxy.get(this.settings.services.scanUrl, path, 'the scan service');
    // 202: the version is still queued or being scanned; the body says which.
    res.status(upstream.status);
    return upstream.body;
  }
}
