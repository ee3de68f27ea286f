import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ArtifactIdSchema, type AuditEntriesPageV1, Query as Queries, type AuditTrailV1 } from '@modelguard/contracts';
import type { ChainVerification } from './audit-chain';
import { AuditQueryService } from './audit-query.service';

/**
 * Internal HTTP API of the audit service (never exposed publicly): the server of the AuditTrail and AuditEntries
 * internal queries (@modelguard/contracts) the gateway performs, and the chain check operators call.
 */
@Controller('internal')
export class AuditController {
  constructor(private readonly queries: AuditQueryService) {}

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

  @Get('audit/verify')
  verify(): Promise<ChainVerification> {
    return this.queries.verify();
  }
}
