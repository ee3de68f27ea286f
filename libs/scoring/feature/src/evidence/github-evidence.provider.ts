import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { createSafeFetcher, GitHubClient, type Resolver } from '@modelguard/egress';
import { GithubEvidenceCollector, type GithubEvidenceOptions } from './github-evidence.collector';

const SCORING_USER_AGENT = 'ModelGuard-Scoring/1.0';
/** One API call's idle timeout: metadata answers are small, so a call silent this long is not coming. */
const MAX_CALL_TIMEOUT_MS = 10_000;

export interface GithubEvidenceProviderOptions {
  /** DNS resolver for the egress guard (tests simulate hostile DNS). */
  resolver?: Resolver;
  collector?: Partial<GithubEvidenceOptions>;
}

/**
 * The collector as the scoring service runs it: the service's own SSRF-guarded fetcher built from the app config's
 * upstream settings (the same allow-list and address rules as ingest), GITHUB_API_URL, and GITHUB_TOKEN if set.
 */
export function buildGithubEvidenceCollector(config: AppConfig, opts: GithubEvidenceProviderOptions = {}): GithubEvidenceCollector {
  return new GithubEvidenceCollector(buildScoringGithubClient(config, opts.resolver), opts.collector);
}

/** The scoring service's GitHub API client (evidence and license check): guarded fetcher, GITHUB_TOKEN, bounded calls. */
export function buildScoringGithubClient(config: AppConfig, resolver?: Resolver): GitHubClient {
  const { upstream } = config;
  const fetcher = createSafeFetcher(upstream, { resolver, userAgent: SCORING_USER_AGENT });
  return new GitHubClient(fetcher, upstream.githubApiUrl, {
    token: upstream.githubToken,
    timeoutMs: Math.min(upstream.requestTimeoutMs, MAX_CALL_TIMEOUT_MS),
  });
}

/** A Nest provider of the collector under `provide` (the scoring module's GitHub evidence token). */
export function githubEvidenceProvider(provide: InjectionToken, opts: GithubEvidenceProviderOptions = {}): FactoryProvider<GithubEvidenceCollector> {
  return { provide, inject: [APP_CONFIG], useFactory: (config: AppConfig) => buildGithubEvidenceCollector(config, opts) };
}
