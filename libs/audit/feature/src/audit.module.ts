import { type DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@modelguard/runtime';
import { AuditController } from './audit.controller';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditQueryService } from './audit-query.service';
import { AuditRecorder } from './audit-recorder.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { AuditEntry1732780000000 } from './migrations/1732780000000-audit-entry';
import { AuditRefusals1764770000000 } from './migrations/1764770000000-audit-refusals';

export interface AuditModuleOptions {
  /** Consumer group and producer name (default 'audit'). */
  service?: string;
  /** Postgres schema (default 'audit'); tests use a unique one. */
  schema?: string;
}

/** The audit service: a tamper-evident log of artifact events and gateway refusals, served to the gateway over HTTP. */
@Module({})
export class AuditModule {
  static forService(opts: AuditModuleOptions = {}): DynamicModule {
    const service = opts.service ?? 'audit';
    return {
      module: AuditModule,
      imports: [
        ServicePlatformModule.forService({ service, schema: opts.schema ?? 'audit', entities: [AuditEntryEntity], migrations: [AuditEntry1732780000000, AuditRefusals1764770000000] }),
      ],
      controllers: [AuditController],
      providers: [AuditRecorder, AuditEventsHandler, AuditQueryService],
    };
  }
}
