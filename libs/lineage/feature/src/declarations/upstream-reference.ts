import { datasetKeysOf } from '@modelguard/contracts';

/**
 * What a parent named in a package's metadata refers to. Metadata is upstream-controlled text: `_name_or_path` is
 * often a local training path, a card may name a URL on any host, and anything may be arbitrarily long. A reference
 * is used only when it is a Hugging Face repo id (or a huggingface.co URL of one); everything else is set aside with
 * the reason, never guessed at.
 */

export type ReferenceKind = 'model' | 'dataset';

export type ParsedReference =
  /** A Hub repo id (`org/name` or a legacy bare `name`), case kept for display. */
  | { kind: 'repo'; id: string }
  /** Not a lineage reference at all (a local path, an empty value): ignored without complaint. */
  | { kind: 'ignored'; reason: string }
  /** Looks like a reference but cannot be used (a URL to another host, not a repo id): recorded as a problem. */
  | { kind: 'invalid'; reason: string };

/** RepoRef's bound in the PackageMetadata contract. */
const MAX_REFERENCE_CHARS = 200;
/** One Hub name segment: letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit (≤ 96 chars). */
const HUB_SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
/** Sub-pages of a repo URL (`/tree/main`, `/resolve/<sha>/config.json`, …) after `org/name`. */
const REPO_URL_PATH = /^\/(?:(datasets|spaces)\/)?([^/]+)(?:\/([^/]+))?(?:\/(?:tree|blob|resolve|raw|commit)\/.*)?\/?$/;

const shown = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);

function isHubId(id: string): boolean {
  const segments = id.split('/');
  return segments.length <= 2 && segments.every((s) => HUB_SEGMENT.test(s) && !s.includes('--') && !s.includes('..'));
}

function fromUrl(raw: string, kind: ReferenceKind): ParsedReference {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'invalid', reason: `${shown(raw)} is not a valid URL` };
  }
  if (!HUB_HOSTS.has(url.hostname.toLowerCase())) {
    return { kind: 'invalid', reason: `${shown(raw)} points to another host (${url.hostname.slice(0, 100)}), not to a Hugging Face repo` };
  }
  const match = REPO_URL_PATH.exec(url.pathname);
  const section = match?.[1];
  const wanted = kind === 'dataset' ? 'datasets' : undefined;
  if (!match || section !== wanted) return { kind: 'invalid', reason: `${shown(raw)} is not the URL of a Hugging Face ${kind}` };
  const id = match[3] ? `${match[2]}/${match[3]}` : match[2];
  return isHubId(id) ? { kind: 'repo', id } : { kind: 'invalid', reason: `${shown(raw)} does not name a valid Hugging Face repo` };
}

/** Parses one upstream reference as a model or dataset repo id. */
export function parseUpstreamReference(value: string, kind: ReferenceKind): ParsedReference {
  const raw = value.trim();
  if (raw.length === 0) return { kind: 'ignored', reason: 'empty' };
  if (raw.length > MAX_REFERENCE_CHARS) return { kind: 'invalid', reason: `a reference of ${raw.length} characters is longer than a Hugging Face repo id can be` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return fromUrl(raw, kind);
  // Training scripts save the path they loaded from: `/content/drive/…`, `./output`, `C:\…`, `runs/exp1/checkpoint-500`.
  if (/^(\/|\.{1,2}(\/|\\|$)|~)/.test(raw) || raw.includes('\\') || /^[A-Za-z]:/.test(raw) || raw.split('/').length > 2) {
    return { kind: 'ignored', reason: `${shown(raw)} is a local path, not a Hugging Face repo id` };
  }
  return isHubId(raw) ? { kind: 'repo', id: raw } : { kind: 'invalid', reason: `${shown(raw)} is not a Hugging Face repo id` };
}

/**
 * The keys a model reference is looked up by, most precise first: a full `org/name` only by itself (another org's
 * `name` is a different model), a legacy bare `name` (`bert-base-uncased`, now `google-bert/bert-base-uncased`) by
 * itself or by the last segment of a registered repo. Datasets use the registry's shared link keys (full id or last
 * segment, as scoring links them).
 */
export function lookupKeysOf(kind: ReferenceKind, id: string): string[] {
  if (kind === 'dataset') return datasetKeysOf(id);
  const lower = id.toLowerCase();
  return lower.includes('/') ? [`model:${lower}`] : [`model:${lower}`, `model-bare:${lower}`];
}

/** The keys a registered model can be named by: its repo id and name, and their last segments for bare references. */
export function modelKeysOf(names: readonly (string | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    const lower = name?.trim().toLowerCase();
    if (!lower) continue;
    keys.add(`model:${lower}`);
    keys.add(`model-bare:${lower.split('/').filter(Boolean).pop() ?? lower}`);
  }
  return [...keys];
}
