/**
 * What an ingest URL points at. Parsing is strict on the parts we use to build upstream requests
 * (repo ids, refs, subdirectories) because those end up in URLs we fetch: anything odd is refused here.
 */
export type UpstreamTarget =
  | { kind: 'hf-model'; repo: string }
  | { kind: 'hf-dataset'; repo: string }
  | { kind: 'github'; owner: string; repo: string; ref: string | null; subdir: string | null }
  | { kind: 'other'; host: string };

export class InvalidUpstreamUrlError extends Error {
  override readonly name = 'InvalidUpstreamUrlError';
}

const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
const GITHUB_HOSTS = new Set(['github.com', 'www.github.com']);
// Hub ids: letters, digits, `-`, `_`, `.`; no leading/trailing `-`/`.`, no `--`/`..` (Hub rules, roughly).
const HF_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const GH_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GH_REPO = /^[A-Za-z0-9._-]{1,100}$/;
const GH_REF = /^[A-Za-z0-9._/-]{1,200}$/;
const HF_RESERVED = new Set(['api', 'datasets', 'spaces', 'models', 'docs', 'blog', 'login', 'join', 'settings', 'organizations', 'collections', 'papers', 'pricing', 'tasks']);

function segmentsOf(url: URL): string[] {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  return segments.map((s) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      throw new InvalidUpstreamUrlError(`malformed percent-encoding in ${JSON.stringify(s.slice(0, 60))}`);
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) {
      throw new InvalidUpstreamUrlError(`illegal path segment ${JSON.stringify(decoded.slice(0, 60))}`);
    }
    return decoded;
  });
}

function hfRepo(parts: string[]): string {
  // Legacy single-name repos (bert-base-uncased) exist; `tree`/`blob`/`resolve` start the file part of a URL.
  const fileMarkers = new Set(['tree', 'blob', 'resolve', 'commits', 'discussions', 'raw']);
  const idParts = parts.length >= 2 && !fileMarkers.has(parts[1]) ? parts.slice(0, 2) : parts.slice(0, 1);
  if (idParts.length === 0 || !idParts.every((p) => HF_PART.test(p) && !p.includes('..') && !p.includes('--'))) {
    throw new InvalidUpstreamUrlError(`not a valid Hugging Face repository id: ${JSON.stringify(parts.slice(0, 2).join('/').slice(0, 120))}`);
  }
  if (HF_RESERVED.has(idParts[0])) throw new InvalidUpstreamUrlError(`${idParts[0]} is not a repository`);
  return idParts.join('/');
}

function githubTarget(parts: string[]): UpstreamTarget {
  if (parts.length < 2) throw new InvalidUpstreamUrlError('a GitHub URL needs an owner and a repository');
  const owner = parts[0];
  const repo = parts[1].replace(/\.git$/i, '');
  if (!GH_OWNER.test(owner) || !GH_REPO.test(repo) || repo === '.' || repo === '..') {
    throw new InvalidUpstreamUrlError(`not a valid GitHub repository: ${JSON.stringify(`${owner}/${repo}`.slice(0, 120))}`);
  }
  if (parts.length === 2) return { kind: 'github', owner, repo, ref: null, subdir: null };
  if (parts[2] !== 'tree' && parts[2] !== 'blob') {
    // Issues, wiki, releases pages…: still the same repository.
    return { kind: 'github', owner, repo, ref: null, subdir: null };
  }
  const ref = parts[3] ?? null;
  if (ref != null && !GH_REF.test(ref)) throw new InvalidUpstreamUrlError(`not a valid git ref: ${JSON.stringify(ref.slice(0, 60))}`);
  // Refs containing `/` are ambiguous with subdirectories; like most tools we take the first segment as the ref.
  const subdir = parts.length > 4 ? parts.slice(4).join('/') : null;
  return { kind: 'github', owner, repo, ref, subdir };
}

/** Parses an artifact URL; throws InvalidUpstreamUrlError for URLs that cannot be ingested at all. */
export function parseUpstreamUrl(raw: string): UpstreamTarget {
  if (raw.length > 2048) throw new InvalidUpstreamUrlError('URL is too long');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidUpstreamUrlError(`not a URL: ${JSON.stringify(raw.slice(0, 120))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidUpstreamUrlError(`unsupported scheme ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new InvalidUpstreamUrlError('URLs with credentials are not accepted');
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const parts = segmentsOf(url);
  if (HF_HOSTS.has(host)) {
    if (parts[0] === 'datasets') return { kind: 'hf-dataset', repo: hfRepo(parts.slice(1)) };
    if (parts[0] === 'spaces') return { kind: 'other', host };
    return { kind: 'hf-model', repo: hfRepo(parts[0] === 'models' ? parts.slice(1) : parts) };
  }
  if (GITHUB_HOSTS.has(host)) return githubTarget(parts);
  return { kind: 'other', host };
}
