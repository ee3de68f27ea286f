import { BadRequestException, Controller, Get, HttpStatus, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ArtifactIdSchema } from '@modelguard/contracts';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { ScanJobStore } from '../persistence/scan-job.store';
import { ScanReportStore, type ScanReportView } from '../persistence/scan-report.store';

/** Matches what PackageStored accepts as a version, bounded so a hostile query string cannot bloat the query. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,127}$/;

interface PassthroughResponse {
  status(code: number): unknown;
}

/**
 * Internal endpoint the gateway proxies as `GET /artifacts/{type}/{id}/scan-report`. Not exposed
 * publicly: authorisation is the gateway's job.
 *  - 200 the report (latest scanned version, or `?version=`)
 *  - 202 `{ status: 'pending' | 'running' }` while the scan is queued or in progress
 *  - 400 malformed id/version, 404 nothing known about it
 */
@Controller('internal/artifacts')
export class ScanReportController {
  private readonly reports = new ScanReportStore();
  private readonly jobs = new ScanJobStore();

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get(':id/scan-report')
  async get(
    @Param('id') id: string,
    @Query('version') version: unknown,
    @Res({ passthrough: true }) res: PassthroughResponse,
  ): Promise<ScanReportView | { artifactId: string; version: string; status: string }> {
    if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
    if (version !== undefined && (typeof version !== 'string' || !VERSION.test(version))) {
      throw new BadRequestException('version must be a single version string (letters, digits, . + _ -; max 128)');
    }
    const manager = this.dataSource.manager;
    // "Latest" means the most recently stored version: while it is being scanned the answer is 202, not an
    // older version's report that could be mistaken for the current one.
    const job = await this.jobs.status(manager, id, version);
    const report = await this.reports.findLatest(manager, id, version ?? job?.version);
    if (report) return report;
    if (job && (job.status === 'pending' || job.status === 'running')) {
      res.status(HttpStatus.ACCEPTED);
      return { artifactId: id, version: job.version, status: job.status };
    }
    if (job) throw new NotFoundException(`scan of ${id}@${job.version} failed: ${job.lastError ?? 'no report was produced'}`);
    throw new NotFoundException(`no scan report for artifact ${id}${version ? `@${version}` : ''}`);
  }
}
