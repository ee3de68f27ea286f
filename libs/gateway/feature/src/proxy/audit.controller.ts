import { type AuditTrailV1, Query, type ScanPendingV1, type ScanReportV1 } from '@modelguard/contracts';
import { Controller, Get, Param, Query as QueryParam, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { findVersion } from '../packages/version-lookup';
import { InternalQueriesService } from './internal-queries.service';

/** Audit trail (spec) and scan report (extension), both owned by other services and queried after a 404 check here. */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class AuditController {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly dataSource: DataSource,
    private readonly internal: InternalQueriesService,
  ) {}

  @Get('artifact/:artifact_type/:id/audit')
  async audit(@Param('artifact_type') rawType: string, @Param('id') rawId: string): Promise<AuditTrailV1> {
    const id = parseArtifactId(rawId);
    await this.artifacts.require(this.dataSource.manager, parseArtifactType(rawType), id);
    return (await this.internal.query(Query.AuditTrail, { id }, 'the audit service')).body;
  }

  @Get('artifacts/:artifact_type/:id/scan-report')
  async scanReport(
    @Param('artifact_type') rawType: string,
    @Param('id') rawId: string,
    @QueryParam('version') version: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScanReportV1 | ScanPendingV1> {
    const id = parseArtifactId(rawId);
    await this.artifacts.require(this.dataSource.manager, parseArtifactType(rawType), id);
    // An empty ?version= means "the latest", as before; anything else must fit the contract (400 otherwise).
    const wanted = version === undefined || version === '' ? undefined : (version as string);
    // The scan service knows versions by key; a label users see (a Hugging Face tag) is translated here.
    const named = typeof wanted === 'string' ? await findVersion(this.dataSource.manager, id, wanted) : null;
    const result = await this.internal.query(Query.ScanReport, { id, version: named?.version ?? wanted }, 'the scan service');
    // 202: the version is still queued or being scanned; the body says which.
    res.status(result.status);
    return result.body;
  }
}
