import { type AppConfig, loadServiceSection } from '@modelguard/config';

/** Injection token of the live audit stream's knobs. */
export const AUDIT_STREAM_OPTIONS = Symbol.for('modelguard.gateway.audit-stream-options');

export interface AuditStreamOptions {
  /** Concurrent streams one user may hold (more answer 429): a stream holds a socket and a poll share. */
  maxPerUser: number;
  /** A comment line this often, so proxies and clients see a live connection while the log is quiet. */
  heartbeatMs: number;
  /** Unread bytes a client may leave queued in this process; beyond that it is dropped (it never reads). */
  maxBufferedBytes: number;
  /**
   * How often the follower asks the audit service for entries past its head while anyone is streaming. The Kafka
   * event wakes it at once, but a consumer group hands each event to one gateway replica: the poll is how the other
   * replicas' streams see it.
   */
  pollMs: number;
}

/** The GATEWAY_AUDIT_STREAM_* section values (defaults when the config was loaded for another service). */
export function auditStreamOptionsFrom(config: AppConfig): AuditStreamOptions {
  const section = config.gateway ?? loadServiceSection('gateway', {}, { dataDir: config.dataDir });
  return { ...section.auditStream, pollMs: 1_000 };
}
