import { type DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@modelguard/runtime';

export interface LineageModuleOptions {
  service?: string;
  schema?: string;
}

/**
 * The lineage service. For now it only boots with its own schema (outbox/inbox), messaging and health;
 * its handlers and read model arrive with their own issue.
 */
@Module({})
export class LineageModule {
  static forService(opts: LineageModuleOptions = {}): DynamicModule {
    return {
      module: LineageModule,
      imports: [ServicePlatformModule.forService({ service: opts.service ?? 'lineage', schema: opts.schema ?? 'lineage', entities: [], migrations: [] })],
    };
  }
}
