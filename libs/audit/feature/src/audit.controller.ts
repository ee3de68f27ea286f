import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { ArtifactIdSchema, type AuditTrailV1 } from '@modelguard/contracts';
import type { ChainVerification } from './audit-chain';
import { AuditQueryService } from './audit-query.service';

/**
 * Internal HTTP API of the audit service (never exposed publicly): the server of the AuditTrail internal query
 * (@modelguard/contracts) the gateway performs, and the chain check operators call.
 */
@Controller('internal')
export class AuditController {
  constructor(private readonly queries: AuditQueryService) {}

  @Get('artifacts/:id/audit')
  async artifactAudit(@Param('id') id: string): Promise<AuditTrailV1> {
    if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
    return this.queries.forArtifact(id);
  }

  @Get('audit/verify')
  verify(): Promise<ChainVerification> {
    return this.queries.verify();
  }
}
