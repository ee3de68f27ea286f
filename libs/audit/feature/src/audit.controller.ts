import { BadRequestException, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ArtifactIdSchema, type AuditEntriesPageV1, type AuditHeadV1, type AuditVerificationV1, Query as Queries, type AuditTrailV1 } from '@modelguard/contracts';
import type { AuditCheckpoint } from './audit-checkpoint';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifyService } from './audit-verify.service';

/**
 * Internal HTTP API of the audit service (never exposed publicly): the server of the AuditTrail and AuditEntries
 * internal queries (@modelguard/contracts) the gateway performs (AuditVerify included), and on-demand checkpoints.
 */
@Controller('internal')
export class AuditController {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly verifier: AuditVerifyService,
    private readonly checkpoints: AuditCheckpointService,
  ) {}

  @Get('artifacts/:id/audit')
  async artifactAudit(@Param('id') id: string): Promise<AuditTrailV1> {
    if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
    return this.queries.forArtifact(id);
  }

  /** The security log page; the query string is checked against the contract's request schema (400 otherwise). */
  @Get('audit/entries')
  async entries(@Query() query: Record<string, unknown>): Promise<AuditEntriesPageV1> {
    const limit = query['limit'];
    const parsed = Queries.AuditEntries.request.safeParse({
      ...query,
      limit: typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : limit,
    });
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; '));
    return this.queries.entries(parsed.data);
  }

  /** The chain's newest entry: the gateway's live stream starts following the log there. */
  @Get('audit/head')
  head(): Promise<AuditHeadV1> {
    return this.queries.head();
  }

  @Get('audit/verify')
  verify(): Promise<AuditVerificationV1> {
    return this.verifier.verify();
  }

  /** A checkpoint now (operators before maintenance, tests); otherwise they are taken on a timer and at shutdown. */
  @Post('audit/checkpoint')
  @HttpCode(201)
  checkpoint(): Promise<AuditCheckpoint> {
    return this.checkpoints.take();
  }
}
