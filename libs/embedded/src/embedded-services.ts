import type { DynamicModule, Type } from '@nestjs/common';
import { AuditModule } from '@modelguard/audit-feature';
import { GatewayModule } from '@modelguard/gateway-feature';
import { IngestModule } from '@modelguard/ingest-feature';
import { LineageModule } from '@modelguard/lineage-feature';
import { ScanServiceModule } from '@modelguard/scan-feature';
import { ScoringModule } from '@modelguard/scoring-feature';

export interface EmbeddedServiceSpec {
  service: string;
  /** The service's root module; its settings come from its own config section, as in distributed mode. */
  module: () => Type | DynamicModule;
}

/**
 * Boot order: consumers first (their internal URLs are handed to the gateway), the gateway last, so the
 * public port opens only once everything behind it runs.
 */
export const EMBEDDED_SERVICES: readonly EmbeddedServiceSpec[] = [
  { service: 'audit', module: () => AuditModule.forService() },
  { service: 'scan', module: () => ScanServiceModule.forService() },
  { service: 'scoring', module: () => ScoringModule.forService() },
  { service: 'lineage', module: () => LineageModule.forService() },
  { service: 'ingest', module: () => IngestModule.forService() },
  { service: 'gateway', module: () => GatewayModule },
];
