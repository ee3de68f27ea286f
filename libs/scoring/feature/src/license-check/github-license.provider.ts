import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import type { Resolver } from '@modelguard/egress';
import { buildScoringGithubClient } from '../evidence/github-evidence.provider';
import { GithubLicenseReader } from './github-license.reader';
import { GITHUB_LICENSE_READER } from './license-check.service';

/**
 * The whole GitHub read of one license check (at most two API calls). It stays under the gateway's internal-query
 * timeout (GATEWAY_INTERNAL_TIMEOUT_MS, 5 s by default), so a slow GitHub is reported as unreachable, with its
 * reason, by the service that knows it, rather than as a timeout of the scoring service.
 */
export const LICENSE_CHECK_GITHUB_TIMEOUT_MS = 4_000;

/** The reader as the scoring service runs it: the service's guarded GitHub client over GITHUB_API_URL. */
export function githubLicenseReaderProvider(resolver?: Resolver): FactoryProvider<GithubLicenseReader> {
  return {
    provide: GITHUB_LICENSE_READER,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new GithubLicenseReader(buildScoringGithubClient(config, resolver), LICENSE_CHECK_GITHUB_TIMEOUT_MS),
  };
}
