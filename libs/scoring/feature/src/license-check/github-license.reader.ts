import { type GitHubClient, type GitHubLicenseFile, isUpstreamError } from '@modelguard/egress';
import { licenseOfLicenseFile } from '../licenses/license-text';
import type { GithubRepoRef } from '../evidence/github-repo-url';

/** What a GitHub project's license is, or why it could not be read. */
export type CodeLicense =
  /** `id` as GitHub's SPDX id or as recognised from the license file's text; `source` says which. */
  | { status: 'found'; id: string; source: string }
  /** A license file exists, but neither GitHub nor the text reading recognises it: custom terms. */
  | { status: 'unrecognised'; source: string }
  /** The repository exists and has no license file. */
  | { status: 'none' }
  | { status: 'repo-not-found'; reason: string }
  | { status: 'unreachable'; reason: string };

/** GitHub's base64 content of a license file, decoded; more than this is not a license text anyone wrote. */
const MAX_CONTENT_CHARS = 512 * 1024;

function decodedText(file: GitHubLicenseFile): string | undefined {
  if (typeof file.content !== 'string' || file.content.length === 0) return undefined;
  const content = file.content.slice(0, MAX_CONTENT_CHARS);
  return file.encoding === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
}

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Reads a GitHub project's license through the API (GITHUB_API_URL): `GET /repos/{o}/{r}/license` gives the
 * license GitHub detected; when GitHub says NOASSERTION (a license file it could not classify) or nothing, the
 * file's own text is read (licenses/license-text.ts). GitHub answers that endpoint 404 both for a missing
 * repository and for one without a license file, so a 404 is followed by `GET /repos/{o}/{r}` to tell them apart.
 * Every failure but a 404 (network, timeout, 5xx, rate limit, refusal, malformed answer) is "unreachable": the
 * license could not be learnt, which is not an answer about it. The whole read is bounded by `timeoutMs`.
 */
export class GithubLicenseReader {
  constructor(
    private readonly client: GitHubClient,
    private readonly timeoutMs: number,
  ) {}

  async read({ owner, repo }: GithubRepoRef): Promise<CodeLicense> {
    const client = this.client.withSignal(AbortSignal.timeout(this.timeoutMs));
    const name = `${owner}/${repo}`;
    try {
      const file = await client.license(owner, repo);
      const detected = file.license?.spdx_id;
      if (detected && detected !== 'NOASSERTION') return { status: 'found', id: detected, source: `GitHub's license detection of ${file.path}` };
      const text = decodedText(file);
      const id = text === undefined ? undefined : licenseOfLicenseFile(text);
      const gitHubSaid = detected ?? 'no license detected';
      if (id) return { status: 'found', id, source: `the text of ${file.path} (GitHub: ${gitHubSaid})` };
      return { status: 'unrecognised', source: `${file.path} (GitHub: ${gitHubSaid}), whose text matches no license we recognise` };
    } catch (error) {
      if (!isUpstreamError(error) || error.kind !== 'not-found') return { status: 'unreachable', reason: `GitHub could not be reached for ${name}: ${why(error)}` };
    }
    try {
      await client.repo(owner, repo);
      return { status: 'none' };
    } catch (error) {
      if (isUpstreamError(error) && error.kind === 'not-found') return { status: 'repo-not-found', reason: `the GitHub project ${name} does not exist (or is private)` };
      return { status: 'unreachable', reason: `GitHub could not be reached for ${name}: ${why(error)}` };
    }
  }
}
