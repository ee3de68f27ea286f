import { BadRequestException, Controller, Get, HttpStatus, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ArtifactIdSchema, type ScanPendingV1, type ScanReportV1, ScanReportVersionSchema } from '@modelguard/contracts';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { ScanJobStore } from '../persistence/scan-job.store';
import { ScanReportStore } from '../persistence/scan-report.store';

interface PassthroughResponse {
  status(code: number): unknown;
}

/**
 * The server of the ScanReport internal query (@modelguard/contracts), which the gateway serves as
 * `GET /artifacts/{type}/{id}/scan-report`. Not exposed publicly: authorisation is the gateway's job.
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
    @Query('version') rawVersion: unknown,
    @Res({ passthrough: true }) res: PassthroughResponse,
  ): Promise<ScanReportV1 | ScanPendingV1> {
    if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
    const parsedVersion = ScanReportVersionSchema.optional().safeParse(rawVersion);
    if (!parsedVersion.success) throw new BadRequestException('version must be a single version string (letters, digits, . + _ -; max 128)');
    const version = parsedVersion.data;
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
