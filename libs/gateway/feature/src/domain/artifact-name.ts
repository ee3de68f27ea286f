import { ARTIFACT_NAME_MAX_LENGTH, ENUMERATE_ALL_NAME, artifactNameProblem } from '@modelguard/domain';
import { ClientError } from './client-error';

export const MAX_URL_LENGTH = 2048;

/** Validates a client-supplied artifact name by the domain's name rules; a bad name is a 400 saying why. */
export function validateArtifactName(raw: unknown): string {
  const problem = artifactNameProblem(raw);
  if (problem !== null) throw new ClientError(400, problem);
  return raw as string;
}

/** Parses and validates a source URL: absolute http(s) only, bounded length. */
export function parseSourceUrl(raw: unknown): URL {
  if (typeof raw !== 'string' || raw.trim().length === 0) throw new ClientError(400, 'url is required and must be a string');
  if (raw.length > MAX_URL_LENGTH) throw new ClientError(400, `url must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ClientError(400, 'url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ClientError(400, 'url must use http or https');
  if (url.username || url.password) throw new ClientError(400, 'url must not embed credentials');
  return url;
}

export type UpstreamKind = 'huggingface' | 'github' | 'other';

export function upstreamKindOf(url: URL): UpstreamKind {
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  if (host === 'huggingface.co' || host === 'hf.co') return 'huggingface';
  if (host === 'github.com') return 'github';
  return 'other';
}

/** HF URL prefixes that are not part of the repo id. */
const HF_KINDS = new Set(['datasets', 'spaces', 'models']);

/**
 * Derives a name when the client gave none: HF `org/name` → `name`, GitHub `owner/repo` → `repo`, anything else →
 * the last meaningful path segment (e.g. kaggle `…/datasets/user/flickr2k` → `flickr2k`), else the host name.
 */
export function deriveArtifactName(url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s.length > 0).map(safeDecode);
  const kind = upstreamKindOf(url);
  let candidate: string | undefined;
  if (kind === 'huggingface') {
    const repo = HF_KINDS.has(segments[0] ?? '') ? segments.slice(1) : segments;
    candidate = repo.length >= 2 ? repo[1] : repo[0];
  } else if (kind === 'github') {
    candidate = segments[1] ?? segments[0];
  } else {
    candidate = segments[segments.length - 1];
  }
  const cleaned = (candidate ?? '').replace(/\.git$/i, '').replace(/[^\x21-\x7e]/g, '');
  if (cleaned.length === 0 || cleaned === '.' || cleaned === '..' || cleaned === ENUMERATE_ALL_NAME) return url.hostname;
  return cleaned.slice(0, ARTIFACT_NAME_MAX_LENGTH);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
