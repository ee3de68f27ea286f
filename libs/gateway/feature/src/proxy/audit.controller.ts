import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
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
  async scanReport(@Param('artifact_type') rawType: string, @Param('id') rawId: string): Promise<unknown> {
    const id = parseArtifactId(rawId);
    await this.artifacts.require(this.dataSource.manager, parseArtifactType(rawType), id);
    return this.proxy.getJson(this.settings.services.scanUrl, `/internal/artifacts/${encodeURIComponent(id)}/scan-report`, 'the scan service');
  }
}
