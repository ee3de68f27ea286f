import type { QueryContract, QueryRequestOf, QueryResultOf } from '@modelguard/contracts';
import { InternalClient, isInternalQueryError } from '@modelguard/internal-client';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable } from '@nestjs/common';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';

/**
 * The gateway's side of the internal queries (audit trail, scan report, lineage, cost): performs them with the platform's typed
 * client and turns its failures into the gateway's answers. Upstream 404 stays 404, a request the contract refuses
 * is 400, any other failure is a 502 (never a hang, never the upstream's raw error body).
 */
@Injectable()
export class InternalQueriesService {
  private readonly client: InternalClient;
  private readonly logger: Logger;

  constructor(@Inject(GATEWAY_SETTINGS) settings: GatewaySettings, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.client = new InternalClient({
      baseUrls: { audit: settings.services.auditUrl, scan: settings.services.scanUrl, lineage: settings.services.lineageUrl, scoring: settings.services.scoringUrl },
      timeoutMs: settings.gateway.proxyTimeoutMs,
      maxResponseBytes: settings.gateway.maxProxiedBytes,
    });
    this.logger = logger.child({ context: 'InternalQueriesService' });
  }

  /** `what` names the server in error messages ("the scan service"). */
  async query<Q extends QueryContract>(contract: Q, request: QueryRequestOf<Q>, what: string): Promise<QueryResultOf<Q>> {
    try {
      return await this.client.query(contract, request);
    } catch (error: unknown) {
      if (!isInternalQueryError(error)) throw error;
      switch (error.kind) {
        case 'not-found':
          throw new ClientError(404, `${what} has nothing for this artifact`);
        case 'invalid-request':
          throw new ClientError(400, error.message);
        case 'not-configured':
          throw new ClientError(502, `${what} is not configured on this gateway`);
        case 'unreachable':
          this.logger.warn(`${what} unreachable`, { query: error.query, err: error.message });
          throw new ClientError(502, `${what} is unavailable`);
        case 'upstream-status':
          throw new ClientError(502, `${what} answered ${error.status ?? 'an error'}`);
        case 'too-large':
          throw new ClientError(502, 'upstream response is too large');
        case 'invalid-response':
          this.logger.warn(`${what} answered outside its contract`, { query: error.query, err: error.message });
          throw new ClientError(502, `${what} returned an invalid answer`);
      }
    }
  }
}
