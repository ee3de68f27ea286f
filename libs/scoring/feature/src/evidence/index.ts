export { GithubEvidenceCollector, DEFAULT_GITHUB_EVIDENCE_OPTIONS, additionsSince, isReviewed, type GithubEvidenceOptions } from './github-evidence.collector';
export { buildGithubEvidenceCollector, buildScoringGithubClient, githubEvidenceProvider, type GithubEvidenceProviderOptions } from './github-evidence.provider';
export { parseGithubRepoUrl, type GithubRepoRef } from './github-repo-url';
