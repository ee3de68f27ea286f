import { createHash } from 'node:crypto';
import type { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { serviceTestEnv } from '@modelguard/testing';
import { canonicalEntry, type ChainedFields } from '../src/audit-chain';
import { AuditModule } from '../src/audit.module';

/** Test support (not exported from index.ts): an audit service on its own schema and data directory, timer off. */
export function bootAudit(opts: { service: string; schema: string; dataDir: string; broker: InProcessBroker; env?: Record<string, string> }): Promise<RunningService> {
  return bootstrapService({
    service: opts.service,
    module: AuditModule.forService({ service: opts.service, schema: opts.schema, checkpointIntervalMs: 0 }),
    inProcessBroker: opts.broker,
    env: serviceTestEnv({ DATA_DIR: opts.dataDir, ...opts.env }),
    shutdownHooks: false,
    exitOnConfigError: false,
  });
}

/** The link an attacker without the key (or the code before keys) computes: plain SHA-256 over a raw table row. */
export function sha256LinkOfRow(prevHash: string, row: Record<string, unknown>, edits: Partial<ChainedFields> = {}): string {
  const fields: ChainedFields = {
    eventId: row['event_id'] as string,
    artifactId: row['artifact_id'] as string | null,
    artifactType: row['artifact_type'] as string | null,
    artifactName: row['artifact_name'] as string | null,
    action: row['action'] as ChainedFields['action'],
    userName: row['user_name'] as string | null,
    userIsAdmin: row['user_is_admin'] as boolean | null,
    occurredAt: row['occurred_at'] as Date,
    ...edits,
  };
  return createHash('sha256').update(prevHash).update(canonicalEntry(fields)).digest('hex');
}
