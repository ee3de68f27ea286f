export { AuditModule } from './audit.module';
export { AuditEntryEntity, AUDIT_ACTIONS, type AuditAction } from './entities/audit-entry.entity';
export { type ArtifactAuditEntryDto } from './audit-query.service';
export { type ChainVerification, GENESIS_HASH, chainLink, canonicalEntry } from './audit-chain';
export { type ChainKey, chainKeyOf } from './chain-key';
export { runAuditCli, runAuditVerify } from './cli/audit-verify-command';
