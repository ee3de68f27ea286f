import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema } from '../../common';

// GitHub's own rules: owners are 1-39 alphanumerics or single inner hyphens; repository names 1-100 of [A-Za-z0-9._-].
const OWNER = '[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}';
const REPO = '[A-Za-z0-9._-]{1,100}';
export const GITHUB_OWNER_PATTERN = new RegExp(`^${OWNER}$`);
export const GITHUB_REPO_NAME_PATTERN = new RegExp(`^${REPO}$`);
/**
 * `https://github.com/<owner>/<repo>`, with the forms a browser or a clone shows for the same repository: an optional
 * `www.`, a `.git` suffix, a trailing slash, or a `/tree/<ref>/<dir>` path (the course's code URLs use it). Nothing
 * else: no other scheme or host, no credentials, port, query or fragment.
 */
// The repository name is matched lazily so that a `.git` suffix is not taken as part of it.
const GITHUB_REPO_URL = new RegExp(`^https://(?:www\\.)?github\\.com/(${OWNER})/(${REPO}?)(?:\\.git)?(?:/|/tree/[^\\s?#]{1,1024})?$`);
/** First path segments on github.com that are site pages, not owners. */
export const GITHUB_RESERVED_OWNERS: ReadonlySet<string> = new Set(['orgs', 'topics', 'features', 'marketplace', 'sponsors', 'settings', 'login', 'about', 'apps', 'search', 'explore', 'collections']);

/** A GitHub repository URL as the license check accepts it (see GITHUB_REPO_URL). */
export const GithubRepoUrlSchema = z
  .string()
  .max(2048)
  .regex(GITHUB_REPO_URL, 'must be https://github.com/<owner>/<repo>')
  .refine((url) => {
    const [, owner, repo] = GITHUB_REPO_URL.exec(url) ?? [];
    return owner !== undefined && !GITHUB_RESERVED_OWNERS.has(owner.toLowerCase()) && repo !== '.' && repo !== '..';
  }, 'must name a repository, not a GitHub site page');

/** A license as the check read it: the normalised id (null when none is stated) and where it was read. */
export const CheckedLicenseV1 = z.object({
  id: z.string().max(100).nullable(),
  source: z.string().max(300),
});

const reason = z.string().min(1).max(1000);

/**
 * The answer: `checked` with the verdict of the scoring service's compatibility table (`rule` = the table row that
 * decided, `reason` = that row's reason), or why the GitHub side could not be read: the project does not exist
 * (`github-not-found`), or GitHub could not be reached (network, timeout, 5xx, rate limit: `github-unreachable`).
 */
export const LicenseCheckV1 = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('checked'),
    compatible: z.boolean(),
    rule: z.string().min(1).max(64),
    reason,
    modelLicense: CheckedLicenseV1,
    codeLicense: CheckedLicenseV1,
  }),
  z.object({ outcome: z.literal('github-not-found'), reason }),
  z.object({ outcome: z.literal('github-unreachable'), reason }),
]);
export type LicenseCheckV1 = z.infer<typeof LicenseCheckV1>;

/**
 * May the code of a GitHub project be used to fine-tune this model and ship its inference/generation? Server:
 * scoring (it reads model licenses for the `license` metric and keeps every model's package metadata). Caller:
 * gateway (`POST /artifact/model/{id}/license-check`). 404 when scoring has no stored version of the model, 400 on
 * a malformed id or URL.
 */
export const LicenseCheckQuery = defineQuery({
  name: 'LicenseCheck',
  summary: 'license compatibility of a model and a GitHub project',
  server: 'scoring',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/models/:id/license-check',
  request: z.object({ id: ArtifactIdSchema, githubUrl: GithubRepoUrlSchema }),
  responses: { 200: LicenseCheckV1 },
  maxResponseBytes: 64 * 1024,
});
