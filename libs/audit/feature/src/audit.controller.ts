import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { ArtifactIdSchema } from '@modelguard/contracts';
import type { ChainVerification } from './audit-chain';
import { type ArtifactAuditEntryDto, AuditQueryService } from './audit-query.service';

/** Internal HTTP API of the audit service, called by the gateway (never exposed publicly). */
@Controller('internal')
export class AuditController {
  constructor(private readonly queries: AuditQueryService) {}

  @Get('artifacts/:id/audit')
  async artifactAudit(@Param('id') id: string): Promise<ArtifactAuditEntryDto[]> {
    if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
    return this.queries.forArtifact(id);
  }

  @Get('audit/verify')
  verify(): Promise<ChainVerification> {
    return this.queries.verify();
  }
}
