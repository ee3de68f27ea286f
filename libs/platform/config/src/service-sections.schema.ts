import { z } from 'zod';
import { createPrivateKey } from 'node:crypto';
import { boolVar, csvVar, httpUrlVar, intVar, stringVar } from './env-fields';

/** The kind of key @modelguard/signing signs with; checked here with node:crypto so config stays dependency-free. */
const isSigningKey = (pem: string): boolean => {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
};

const MiB = 1024 * 1024;
/** 1 TiB, the same upper bound the base schema uses for byte sizes. */
const MAX_BYTES = 1024 * 1024 * MiB;

/** A worker id: safe to log, to store on rows and to put in metric labels. */
const workerIdVar = () => z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 of A-Z a-z 0-9 . _ : -').optional();

/** A URL's user:password part would end up in logs and error messages; secrets have their own variables. */
const withoutCredentials = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  } catch {
    return true; // not a URL at all: httpUrlVar already reports it
  }
};

/** An upstream Hub org (`google-bert`) or repo (`google-bert/bert-base-uncased`) in the mirror's allow/deny lists. */
const HF_REPO_PATTERN = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$/, 'each entry must be an org or org/name');

/**
 * Variables that only one service reads, one schema per service. A service validates the base schema plus
 * its own section (so a typo in SCAN_* stops the scan service, not the audit service that never reads it);
 * `.env.example` documents all of them.
 */
export const SERVICE_SECTION_SCHEMAS = {
  scan: z.object({
    SCAN_WORKER_ID: workerIdVar(),
    SCAN_CONCURRENCY: intVar(1, 64),
    SCAN_LEASE_MS: intVar(1_000, 3_600_000),
    SCAN_POLL_MS: intVar(50, 60_000),
    SCAN_MAX_ATTEMPTS: intVar(1, 20),
    SCAN_SPOOL_MAX_BYTES: intVar(0, MAX_BYTES),
    SCAN_BLOB_ATTEMPTS: intVar(1, 20),
    SCAN_BLOB_RETRY_DELAY_MS: intVar(0, 60_000),
  }),
  ingest: z.object({
    INGEST_WORKER_ID: workerIdVar(),
    INGEST_CONCURRENCY: intVar(1, 64),
    INGEST_LEASE_MS: intVar(1_000, 3_600_000),
    INGEST_POLL_MS: intVar(50, 60_000),
    INGEST_MAX_ATTEMPTS: intVar(1, 20),
    INGEST_RETRY_DELAY_MS: intVar(0, 600_000),
    INGEST_MAX_RETRY_DELAY_MS: intVar(0, 3_600_000),
    INGEST_SHUTDOWN_GRACE_MS: intVar(0, 600_000),
  }),
  scoring: z.object({
    SCORING_WORKER_ID: workerIdVar(),
    SCORING_CONCURRENCY: intVar(1, 64),
    SCORING_LEASE_MS: intVar(1_000, 3_600_000),
    SCORING_POLL_MS: intVar(50, 60_000),
    SCORING_MAX_ATTEMPTS: intVar(1, 20),
    SCORING_EVIDENCE_TIMEOUT_MS: intVar(100, 600_000),
    // The optional LLM card analyser (an OpenAI-compatible endpoint); unset, ratings use the deterministic rules.
    LLM_BASE_URL: httpUrlVar().refine((url) => url === undefined || withoutCredentials(url), 'must not carry credentials (put the key in LLM_API_KEY)'),
    LLM_MODEL: stringVar(1, 200),
    LLM_API_KEY: stringVar(1, 4096),
    LLM_TIMEOUT_MS: intVar(100, 60_000),
  }).superRefine((env, ctx) => {
    if (env.LLM_BASE_URL && !env.LLM_MODEL) ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: 'is required when LLM_BASE_URL is set' });
  }),
  gateway: z.object({
    GATEWAY_INGEST_WAIT_MS: intVar(0, 600_000),
    GATEWAY_REGEX_BUDGET_MS: intVar(10, 60_000),
    GATEWAY_INTERNAL_TIMEOUT_MS: intVar(100, 600_000),
    GATEWAY_MAX_INTERNAL_RESPONSE_BYTES: intVar(1024, 1024 * MiB),
    GATEWAY_OPENAPI_DIR: stringVar(1),
    GATEWAY_WEB_DIR: stringVar(1),
    GATEWAY_UPLOAD_TMP_DIR: stringVar(1),
    GATEWAY_RATING_GATE: boolVar(),
    GATEWAY_RATE_LIMIT_PER_IDENTITY: intVar(0, 10_000_000),
    GATEWAY_RATE_LIMIT_PER_ADDRESS: intVar(0, 10_000_000),
    GATEWAY_RATE_LIMIT_WINDOW_SECONDS: intVar(1, 24 * 3600),
    GATEWAY_MONITOR_TIMEOUT_MS: intVar(100, 300_000),
    GATEWAY_MONITOR_MEMORY_MB: intVar(256, 65_536),
    GATEWAY_MONITOR_CONCURRENCY: intVar(1, 64),
    // The registry's manifest-signing key (ECDSA P-256 PEM): inline, or a file; a bad key fails start-up here.
    GATEWAY_SIGNING_KEY: stringVar(1, 16_384)
      .transform((pem) => pem?.replace(/\\n/g, '\n'))
      .refine((pem) => pem === undefined || isSigningKey(pem), 'must be an ECDSA P-256 private key in PEM form'),
    GATEWAY_SIGNING_KEY_FILE: stringVar(1),
    GATEWAY_JANITOR_GRACE_SECONDS: intVar(60, 30 * 24 * 3600),
    GATEWAY_JANITOR_INTERVAL_SECONDS: intVar(0, 7 * 24 * 3600),
    // The live audit stream (GET /audit/stream): streams per user, heartbeat, and the unread bytes a client may hold.
    GATEWAY_AUDIT_STREAM_MAX_PER_USER: intVar(1, 100),
    GATEWAY_AUDIT_STREAM_HEARTBEAT_MS: intVar(100, 300_000),
    GATEWAY_AUDIT_STREAM_MAX_BUFFERED_BYTES: intVar(1024, 64 * MiB),
    // The Hugging Face mirror (hf-mirror/): anonymous reads, pull-through wait, upstream allow/deny lists.
    GATEWAY_HF_MIRROR_ANONYMOUS: boolVar(),
    GATEWAY_HF_MIRROR_WAIT_MS: intVar(0, 600_000),
    GATEWAY_HF_MIRROR_ALLOW: csvVar(HF_REPO_PATTERN),
    GATEWAY_HF_MIRROR_DENY: csvVar(HF_REPO_PATTERN),
    // Per-user quota defaults (quotas/): 0 = unlimited; admins override per user (PUT /users/{name}/quota).
    GATEWAY_QUOTA_STORAGE_BYTES: intVar(0, 2 ** 52),
    GATEWAY_QUOTA_UPLOADS_PER_WINDOW: intVar(0, 1_000_000_000),
    GATEWAY_QUOTA_WINDOW_SECONDS: intVar(1, 7 * 24 * 3600),
  }),
  audit: z.object({
    // The audit chain's HMAC key: kept out of the database, so a party that can rewrite rows cannot recompute links.
    AUDIT_CHAIN_KEY: stringVar(32, 4096),
    AUDIT_CHAIN_KEY_FILE: stringVar(1),
    // Rotation: files of keys that linked older entries (comma-separated); they verify, only the current key links.
    AUDIT_CHAIN_RETIRED_KEY_FILES: stringVar(1, 16_384),
    // How often a signed checkpoint is taken when the log grew (0: only on demand and at shutdown).
    AUDIT_CHECKPOINT_INTERVAL_MS: intVar(0, 24 * 3_600_000),
  }),
} as const;

export type ServiceSectionName = keyof typeof SERVICE_SECTION_SCHEMAS;
export type ParsedSectionEnv<N extends ServiceSectionName> = z.infer<(typeof SERVICE_SECTION_SCHEMAS)[N]>;

export function isServiceSectionName(name: string): name is ServiceSectionName {
  return Object.prototype.hasOwnProperty.call(SERVICE_SECTION_SCHEMAS, name);
}

/** The names of every section variable, all services together (for `.env.example` and diagnostics). */
export const SECTION_ENV_VARS: readonly string[] = Object.values(SERVICE_SECTION_SCHEMAS).flatMap((s) => Object.keys(s.shape));
