import type { SealSettings } from './encryption/seal-settings';
import type { ReleaseSettings } from './releases/release-policy';
/**
 * The slice of configuration the gateway needs (the `gateway` part is the GATEWAY_* section of the config). Field names mirror `AppConfig` from @modelguard/config
 * (http.publicUrl, auth.*, limits.*, services.*) so the platform config can be passed in as-is; the gateway-only
 * knobs live under `gateway`.
 */
export interface GatewaySettings {
  http: { publicUrl: string };
  auth: {
    jwtSecret: string;
    tokenTtlSeconds: number;
    tokenMaxUses: number;
    loginMaxFailuresPerUser: number;
    loginMaxFailuresPerAddress: number;
    loginWindowSeconds: number;
  };
  limits: {
    maxJsonBodyBytes: number;
    maxUploadBytes: number;
    maxZipEntries: number;
    maxZipRatio: number;
    maxUnpackedBytes: number;
  };
  /** Whether sources on loopback/private networks are allowed (UPSTREAM_ALLOW_PRIVATE): checked at create time too. */
  upstream: { allowPrivateNetworks: boolean };
  services: { auditUrl?: string; scanUrl?: string; lineageUrl?: string; scoringUrl?: string };
  gateway: {
    /** How long POST/PUT wait for ingestion before answering 202 instead of 201/200. */
    ingestWaitMs: number;
    /** Directory holding the served OpenAPI documents. */
    openapiDir: string;
    /** Directory of the prebuilt web interface (index.html + assets/), served at `/`. */
    webDir: string;
    /** Scratch directory for streamed uploads (never buffered in memory). */
    tmpDir: string;
    /** Hold Hugging Face models to the ingest gate (artifacts/rating-gate.ts); on unless configured off. */
    ratingGate: boolean;
    /** Hard wall-clock budget for one regex search request. */
    regexBudgetMs: number;
    /** Timeout of calls to internal services (audit, scan). */
    proxyTimeoutMs: number;
    /** Largest response body accepted from an internal service. */
    maxProxiedBytes: number;
    /** Requests per fixed window per token subject and per client address; 0 disables that limit (rate-limit/). */
    rateLimit: { perIdentity: number; perAddress: number; windowSeconds: number };
    /** Monitor programs of sensitive models (sensitive/monitor-runner.ts). */
    monitor: { timeoutMs: number; memoryMb: number; concurrency: number };
    /** The manifest-signing key (signing/signing-keys.service.ts): inline PEM, else read from (or generated into) the file. */
    signing: { keyPem?: string; keyFile: string };
    /**
     * The orphan janitor (janitor/): spool files and unreferenced blobs older than `graceSeconds` are removed every
     * `intervalSeconds` (0 = no periodic runs). The grace must outlast the longest ingest or upload in progress.
     */
    janitor: { graceSeconds: number; intervalSeconds: number };
    /** The Hugging Face mirror (hf-mirror/): anonymous reads, pull-through wait, upstream allow/deny lists. */
    hfMirror: { anonymous: boolean; waitMs: number; allow: string[]; deny: string[] };
    /** Release aliases' promotion policies and request TTL (releases/release-policy.ts); defaults when absent. */
    releases?: Partial<ReleaseSettings>;
    /** Per-user defaults (quotas/): stored bytes, and uploads or ingests per fixed window; 0 = unlimited. Admins override per user. */
    quotas: { storageBytes: number; uploadsPerWindow: number; windowSeconds: number };
    /** The sealing worker of sensitive models' blobs (encryption/seal-settings.ts); defaults when absent. */
    sealWorker?: Partial<SealSettings>;
    /**
     * How long a full download waits for another request's build of the same package zip before building it itself
     * (packages/build-flights.ts); 10 s when absent. Not an environment setting: tests raise it to keep waiters waiting.
     */
    zipBuildWaitMs?: number;
  };
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');

/** JWT claims are bound to this issuer/audience so tokens minted for other systems are refused. */
export const JWT_ISSUER = 'modelguard-gateway';
export const JWT_AUDIENCE = 'modelguard-registry';
