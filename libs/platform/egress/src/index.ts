export { SafeFetcher, type SafeFetcherOptions, type FetchOptions, type UpstreamResponse } from './safe-fetcher';
export { createSafeFetcher, type UpstreamSettings, type SafeFetcherExtras } from './safe-fetcher.factory';
export { EgressPolicy, type EgressPolicyOptions } from './egress-policy';
export { forbiddenAddressReason } from './address-policy';
export { UpstreamError, isUpstreamError, type UpstreamErrorKind, type UpstreamHeaders } from './upstream-error';
export { type Resolver, systemResolver } from './guarded-lookup';
export { HuggingFaceClient, HfRepoInfoSchema, encodeRepoId, type HfGitRef, type HfRefs, type HfRepoInfo, type HfRepoKind, type HfTreeEntry } from './huggingface/hf-client';
export {
  GitHubClient,
  GitHubRepoSchema,
  encodeGitRef,
  licenseIdOf,
  type GitHubRepo,
  type GitHubClientOptions,
  type GitHubPageOptions,
  type GitHubMergedPull,
} from './github/github-client';
export {
  GITHUB_REVIEW_STATES,
  type GitHubContributor,
  type GitHubContributorStats,
  type GitHubLicenseFile,
  type GitHubLicenseRef,
  type GitHubPullDetail,
  type GitHubPullSummary,
  type GitHubReview,
  type GitHubUserRef,
} from './github/github-schemas';
