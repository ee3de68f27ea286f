import type { ArtifactType } from '@modelguard/domain';
import { parse as parseYaml } from 'yaml';
import type { PackageMetadata } from './package-metadata';

/**
 * How a model is linked to the code and dataset artifacts registered with it (the course's `code_url` and
 * `dataset_url`, which the registry API does not carry). Pure functions over the PackageMetadata contract, shared by
 * the services that link (scoring rates the model with them, lineage counts them as dependencies):
 *
 *  - code: a code artifact whose GitHub repository (`github.com/<owner>/<repo>`) the model card mentions; when the
 *    card mentions none that is registered, the most recent code artifact stored before the model;
 *  - dataset: a dataset artifact whose name or repo id (full `org/name` or its last segment) is in the card's
 *    `datasets`; when none is registered, the most recent dataset stored before the model.
 *
 * The fallback follows the course's upload order (code, dataset, then the model that uses them). Each artifact is
 * stored with the keys it can be named by (`matchKeysOf`), each model asks with the keys its card names
 * (`codeKeysNamedBy`, `datasetKeysNamedBy`), so matching is one indexed array overlap in SQL.
 */

const GITHUB_REPO = /github\.com\/([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})/gi;
/** Bounds the work one hostile card can cause. */
const MAX_NAMED_KEYS = 200;

/** `github:<owner>/<repo>`, lower-case, without a `.git` suffix or trailing punctuation. */
function githubKey(owner: string, repo: string): string | undefined {
  const cleanRepo = repo.replace(/\.git$/i, '').replace(/[.]+$/, '');
  if (!cleanRepo || owner === '.' || owner === '..') return undefined;
  return `github:${owner.toLowerCase()}/${cleanRepo.toLowerCase()}`;
}

/** Every GitHub repository a text mentions, as keys (first MAX_NAMED_KEYS distinct ones). */
export function githubKeysIn(text: string): string[] {
  const keys = new Set<string>();
  for (const match of text.matchAll(GITHUB_REPO)) {
    const key = githubKey(match[1], match[2]);
    if (key) keys.add(key);
    if (keys.size >= MAX_NAMED_KEYS) break;
  }
  return [...keys];
}

/** `dataset:<id>` and `dataset:<last segment>` of a dataset reference, lower-case (the keys it may match by). */
export function datasetKeysOf(ref: string): string[] {
  const id = ref.trim().toLowerCase();
  if (!id) return [];
  const last = id.split('/').filter(Boolean).pop() ?? id;
  return [...new Set([`dataset:${id}`, `dataset:${last}`])];
}

/** The HF repo id in a `huggingface.co/datasets/<org>/<name>` (or `huggingface.co/<org>/<name>`) URL. */
function hfRepoIdOf(url: string): string | undefined {
  const match = /huggingface\.co\/(?:datasets\/)?([^/?#\s]+(?:\/[^/?#\s]+)?)/i.exec(url);
  return match?.[1];
}

export interface LinkableArtifact {
  type: ArtifactType;
  name: string;
  url: string;
  metadata: PackageMetadata;
}

/** The keys a model card may name this artifact by (stored with it). */
export function matchKeysOf(artifact: LinkableArtifact): string[] {
  const keys = new Set<string>();
  if (artifact.type === 'code') {
    // A code artifact is registered by its GitHub URL (`https://github.com/<owner>/<repo>[/tree/…]`).
    for (const key of githubKeysIn(artifact.url).slice(0, 1)) keys.add(key);
  } else if (artifact.type === 'dataset') {
    for (const key of datasetKeysOf(artifact.name)) keys.add(key);
    const repo = artifact.metadata.upstream?.repo ?? hfRepoIdOf(artifact.url);
    if (repo) for (const key of datasetKeysOf(repo)) keys.add(key);
  }
  return [...keys];
}

/** The code keys a model's card names: every GitHub repository its README or description mentions. */
export function codeKeysNamedBy(metadata: PackageMetadata): string[] {
  const text = [metadata.readme, metadata.description, metadata.upstream?.description].filter((t): t is string => typeof t === 'string').join('\n');
  return githubKeysIn(text);
}

/** Front matter larger than this is not a card header worth parsing for links. */
const FRONT_MATTER_MAX_CHARS = 32 * 1024;

/**
 * `datasets` of the README's own YAML front matter, for packages whose event carried no parsed card (uploads).
 * Broken or hostile YAML names nothing.
 */
export function frontMatterDatasets(readme: string | undefined): string[] {
  const match = readme ? /^---\r?\n([\s\S]*?)\r?\n---\s*(\r?\n|$)/.exec(readme.slice(0, FRONT_MATTER_MAX_CHARS)) : null;
  if (!match) return [];
  try {
    const front: unknown = parseYaml(match[1], { maxAliasCount: 10 });
    const datasets = typeof front === 'object' && front !== null ? (front as { datasets?: unknown }).datasets : undefined;
    const list = typeof datasets === 'string' ? [datasets] : Array.isArray(datasets) ? datasets : [];
    return list.filter((d): d is string => typeof d === 'string' && d.length > 0 && d.length <= 200).slice(0, 64);
  } catch {
    return [];
  }
}

/** The dataset keys a model's card names: its `datasets` (typed metadata, the parsed card, else the README's front matter). */
export function datasetKeysNamedBy(metadata: PackageMetadata): string[] {
  const typed = [...(metadata.datasets ?? []), ...(metadata.card?.datasets ?? [])];
  const refs = typed.length > 0 ? typed : frontMatterDatasets(metadata.readme);
  return [...new Set(refs.flatMap(datasetKeysOf))].slice(0, MAX_NAMED_KEYS);
}
