import { type AuditEntriesPageV1, type AuditVerificationV1, Query, type QueryRequestOf } from '@modelguard/contracts';
import { Controller, Get, Query as QueryParams, UseGuards } from '@nestjs/common';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ClientError } from '../domain/client-error';
import { InternalQueriesService } from './internal-queries.service';

const FILTERS = ['action', 'reason', 'actor', 'artifact', 'after'] as const;

/**
 * `GET /audit/entries` (admin, extension): the security log the audit service keeps (artifact actions and every
 * refusal), filtered and paginated. The filters are checked against the AuditEntries contract (400 otherwise).
 * `GET /audit/verify` (admin, extension): the audit service's verdict on its keyed chain and latest checkpoint.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class SecurityLogController {
  constructor(private readonly internal: InternalQueriesService) {}

  @Get('audit/entries')
  async entries(@QueryParams() query: Record<string, unknown>): Promise<AuditEntriesPageV1> {
    const request: Record<string, unknown> = {};
    for (const name of FILTERS) if (query[name] !== undefined && query[name] !== '') request[name] = query[name];
    const limit = query['limit'];
    if (limit !== undefined && limit !== '') {
      if (typeof limit !== 'string' || !/^\d{1,4}$/.test(limit)) throw new ClientError(400, 'limit must be an integer from 1 to 500');
      request['limit'] = Number(limit);
    }
    // The platform client validates the request against the contract: a malformed filter is a 400, never forwarded.
    return (await this.internal.query(Query.AuditEntries, request as QueryRequestOf<typeof Query.AuditEntries>, 'the audit service')).body;
  }

  /** Walks the whole chain (constant memory on the audit side); the first broken link is named, not just "not ok". */
  @Get('audit/verify')
  async verify(): Promise<AuditVerificationV1> {
    return (await this.internal.query(Query.AuditVerify, {}, 'the audit service')).body;
  }
}
