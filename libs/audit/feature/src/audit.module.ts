import { join } from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { ServicePlatformModule } from '@modelguard/runtime';
import { AUDIT_CHAIN_KEYS, auditChainKeysFrom } from './audit-chain-keys';
import { AuditController } from './audit.controller';
import { AUDIT_CHECKPOINT_OPTIONS, type AuditCheckpointOptions, AuditCheckpointService } from './audit-checkpoint.service';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditQueryService } from './audit-query.service';
import { AuditRecorder } from './audit-recorder.service';
import { AuditRelink } from './audit-relink';
import { AuditVerifyService } from './audit-verify.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { AuditEntry1732780000000 } from './migrations/1732780000000-audit-entry';
import { AuditRefusals1764770000000 } from './migrations/1764770000000-audit-refusals';
import { AuditKeyedChain1764780000000 } from './migrations/1764780000000-audit-keyed-chain';
import { AuditSecurityActions1764790000000 } from './migrations/1764790000000-audit-security-actions';
import { AuditRegistryActions1764800000000 } from './migrations/1764800000000-audit-registry-actions';

export interface AuditModuleOptions {
  /** Consumer group and producer name (default 'audit'). */
  service?: string;
  /** Postgres schema (default 'audit'); tests use a unique one. */
  schema?: string;
  /** How often a checkpoint is taken when the log grew (default AUDIT_CHECKPOINT_INTERVAL_MS, 30 s; 0: only on demand and at shutdown). */
  checkpointIntervalMs?: number;
}

/** The audit service: a keyed, tamper-evident log of artifact events, resets and gateway refusals, served to the gateway over HTTP. */
@Module({})
export class AuditModule {
  static forService(opts: AuditModuleOptions = {}): DynamicModule {
    const service = opts.service ?? 'audit';
    const schema = opts.schema ?? 'audit';
    return {
      module: AuditModule,
      imports: [
        ServicePlatformModule.forService({
          service,
          schema,
          entities: [AuditEntryEntity],
          migrations: [AuditEntry1732780000000, AuditRefusals1764770000000, AuditKeyedChain1764780000000, AuditSecurityActions1764790000000, AuditRegistryActions1764800000000],
        }),
      ],
      controllers: [AuditController],
      providers: [
        { provide: AUDIT_CHAIN_KEYS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => auditChainKeysFrom(config) },
        {
          provide: AUDIT_CHECKPOINT_OPTIONS,
          inject: [APP_CONFIG],
          // One file per schema: test services sharing a data directory must not share checkpoints.
          useFactory: (config: AppConfig): AuditCheckpointOptions => ({
            file: join(config.dataDir, 'audit-checkpoints', `${schema}.json`),
            intervalMs: opts.checkpointIntervalMs ?? (config.audit ?? loadServiceSection('audit', {}, { dataDir: config.dataDir })).checkpointIntervalMs,
          }),
        },
        AuditRecorder,
        AuditRelink,
        AuditCheckpointService,
        AuditVerifyService,
        AuditEventsHandler,
        AuditQueryService,
      ],
    };
  }
}
