import { type DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@modelguard/runtime';

export interface ScoringModuleOptions {
  service?: string;
  schema?: string;
}

/**
 * The scoring service. For now it only boots with its own schema (outbox/inbox), messaging and health;
 * its handlers and read model arrive with their own issue.
 */
@Module({})
export class ScoringModule {
  static forService(opts: ScoringModuleOptions = {}): DynamicModule {
    return {
      module: ScoringModule,
      imports: [ServicePlatformModule.forService({ service: opts.service ?? 'scoring', schema: opts.schema ?? 'scoring', entities: [], migrations: [] })],
    };
  }
}
