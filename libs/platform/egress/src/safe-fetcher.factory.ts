import { EgressPolicy, type EgressPolicyOptions } from './egress-policy';
import type { Resolver } from './guarded-lookup';
import { SafeFetcher } from './safe-fetcher';

/** Upstream settings as the app config holds them (`AppConfig.upstream` has this shape). */
export interface UpstreamSettings extends EgressPolicyOptions {
  /** Default cap on any response body. */
  maxPackageBytes: number;
  /** Socket idle timeout of every request. */
  requestTimeoutMs: number;
}

export interface SafeFetcherExtras {
  /** DNS resolver; tests inject one to simulate hostile DNS. */
  resolver?: Resolver;
  userAgent?: string;
}

/**
 * One policy and one fetcher per service, built from the same settings everywhere, so every service that reaches
 * the internet (ingest, scoring, lineage, the license check) is held to the same allow-list and address rules.
 */
export function createSafeFetcher(settings: UpstreamSettings, extras: SafeFetcherExtras = {}): SafeFetcher {
  return new SafeFetcher(new EgressPolicy(settings), {
    maxBytes: settings.maxPackageBytes,
    timeoutMs: settings.requestTimeoutMs,
    resolver: extras.resolver,
    userAgent: extras.userAgent,
  });
}
