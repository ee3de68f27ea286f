import {
  AdapterConfigExcerptSchema,
  CardFrontMatterSchema,
  type ManifestEntry,
  ModelConfigExcerptSchema,
  PACKAGE_README_MAX_CHARS,
  type PackageMetadata,
} from '@modelguard/contracts';
import { BlobNotFoundError, type BlobStore } from '@modelguard/storage';
import { parse as parseYaml } from 'yaml';
import type { LineageSource, ReadProblem } from './lineage-declarations';

/** Largest config.json / adapter_config.json read (ingest captures the same prefix of fetched packages). */
export const CONFIG_MAX_BYTES = 512 * 1024;
/** Front matter larger than this is not a card header (as in the shared link rule). */
const FRONT_MATTER_MAX_CHARS = 32 * 1024;
/** The contract's bounds on the lists lineage reads (longer lists are cut here, with a recorded problem). */
const LIST_BOUNDS = { configBaseModels: 32, cardBaseModels: 16, cardDatasets: 64 } as const;

type Problems = ReadProblem[];

/** The package's own copy of `name` (any case): the shallowest one, as a zip with a top folder nests it. */
export function packageFileOf(files: readonly ManifestEntry[], name: string): ManifestEntry | undefined {
  const depth = (path: string) => path.split('/').length;
  const lower = name.toLowerCase();
  return files
    .filter((f) => (f.path.split('/').pop() ?? '').toLowerCase() === lower)
    .sort((a, b) => depth(a.path) - depth(b.path) || a.path.length - b.path.length)[0];
}

/** Cuts a list to its bound, recording how long it was. */
function bounded(value: unknown, max: number, what: string, source: LineageSource, problems: Problems): unknown {
  if (!Array.isArray(value) || value.length <= max) return value;
  problems.push({ source, message: `${what} lists ${value.length} entries; the first ${max} were kept` });
  return value.slice(0, max);
}

/** A JSON object from a file's text, or the parse error the PackageMetadata contract carries. */
function jsonObjectOf(text: string, file: string): Record<string, unknown> | { parseError: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { parseError: `${file} is not valid JSON` };
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { parseError: `${file} is not a JSON object` };
}

/** The card front matter of a README (keys of the contract), or why it cannot be read. */
export function frontMatterOf(readme: string, problems: Problems): PackageMetadata['card'] {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(readme.slice(0, FRONT_MATTER_MAX_CHARS + 8));
  if (!match) return undefined;
  let front: unknown;
  try {
    front = parseYaml(match[1], { maxAliasCount: 10 });
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    problems.push({ source: 'model_card', message: `the README front matter is not valid YAML: ${reason.slice(0, 200)}`, unreadable: true });
    return undefined;
  }
  if (front === null || typeof front !== 'object' || Array.isArray(front)) {
    problems.push({ source: 'model_card', message: 'the README front matter is not a YAML mapping', unreadable: true });
    return undefined;
  }
  const raw = { ...(front as Record<string, unknown>) };
  // The Hub accepts one value or a list for both keys.
  for (const key of ['base_model', 'datasets'] as const) if (typeof raw[key] === 'string') raw[key] = [raw[key]];
  raw['base_model'] = bounded(raw['base_model'], LIST_BOUNDS.cardBaseModels, 'the card base_model', 'model_card', problems);
  raw['datasets'] = bounded(raw['datasets'], LIST_BOUNDS.cardDatasets, 'the card datasets', 'model_card', problems);
  return CardFrontMatterSchema.parse(raw);
}

/**
 * Reads the lineage metadata of an uploaded package from the blob store: uploads carry no metadata in their event
 * (the gateway stores the files and extracts nothing), so config.json, adapter_config.json and the README's front
 * matter are read here, bounded as ingest bounds a fetched package. A file too large or malformed becomes a
 * recorded problem and a `parseError`, never an exception; only a blob store that cannot be reached throws (the
 * event is retried).
 */
export class PackageFilesReader {
  constructor(private readonly blobs: BlobStore) {}

  async read(files: readonly ManifestEntry[]): Promise<{ metadata: PackageMetadata; problems: ReadProblem[] }> {
    const problems: Problems = [];
    const metadata: PackageMetadata = {};
    const config = await this.readConfig(files, 'config.json');
    if (config) {
      if (!('parseError' in config)) config['base_model'] = bounded(config['base_model'], LIST_BOUNDS.configBaseModels, 'config.json base_model', 'config_json', problems);
      metadata.config = ModelConfigExcerptSchema.parse(config);
    }
    const adapter = await this.readConfig(files, 'adapter_config.json');
    if (adapter) metadata.adapterConfig = AdapterConfigExcerptSchema.parse(adapter);
    const readmeEntry = packageFileOf(files, 'README.md');
    const readme = readmeEntry ? await this.readText(readmeEntry, PACKAGE_README_MAX_CHARS) : undefined;
    if (readme !== undefined) {
      metadata.readme = readme;
      const card = frontMatterOf(readme, problems);
      if (card) metadata.card = card;
    }
    return { metadata, problems };
  }

  private async readConfig(files: readonly ManifestEntry[], name: string): Promise<Record<string, unknown> | undefined> {
    const entry = packageFileOf(files, name);
    if (!entry) return undefined;
    // A parseError is recorded as the source's problem when the declarations are read, as for a fetched package.
    if (entry.size > CONFIG_MAX_BYTES) return { parseError: `${name} is ${entry.size} bytes, over the ${CONFIG_MAX_BYTES}-byte limit; not read` };
    const text = await this.readText(entry, CONFIG_MAX_BYTES);
    if (text === undefined) return { parseError: `${name} is missing from the blob store` };
    return jsonObjectOf(text, name);
  }

  /** The first `maxBytes` of a file as text; undefined when the blob is gone (deleted with its artifact). */
  private async readText(entry: ManifestEntry, maxBytes: number): Promise<string | undefined> {
    const bytes = Math.min(entry.size, maxBytes);
    if (bytes === 0) return '';
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.blobs.get(entry.sha256, { start: 0, end: bytes - 1 })) chunks.push(Buffer.from(chunk as Uint8Array));
    } catch (error: unknown) {
      if (error instanceof BlobNotFoundError) return undefined;
      throw error;
    }
    return Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
  }
}
