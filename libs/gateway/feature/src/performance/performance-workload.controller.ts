import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ClientError } from '../domain/client-error';
import { isUuid } from '../domain/uuid';
import { PerformanceWorkloadService } from './performance-workload.service';
import { parseWorkloadRequest } from './workload-request';


/**
 * Extension endpoints (openapi/modelguard-extensions.openapi.yaml), admin only: start the performance workload
 * (202 with the run's id; it runs in the background) and read a run's progress and results. The web UI's health
 * dashboard drives these.
 */
@Controller('performance-workload')
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class PerformanceWorkloadController {
  constructor(private readonly workload: PerformanceWorkloadService) {}

  @Post()
  @HttpCode(202)
  start(@Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<Record<string, unknown>> {
    return this.workload.start(actor, parseWorkloadRequest(body));
  }

  @Get(':run_id')
  get(@Param('run_id') runId: string): Record<string, unknown> {
    if (!isUuid(runId)) throw new ClientError(400, 'run_id must be the id POST /performance-workload returned');
    return this.workload.get(runId);
  }
}
