import { codeKeysNamedBy, type LineageProblemV1, type LineageRelationship, type PackageMetadata } from '@modelguard/contracts';
import type { LINEAGE_METADATA_STATUSES, LINEAGE_SOURCES } from '@modelguard/contracts';
import { lookupKeysOf, parseUpstreamReference, type ReferenceKind } from './upstream-reference';

export type LineageSource = (typeof LINEAGE_SOURCES)[number];
export type MetadataStatus = (typeof LINEAGE_METADATA_STATUSES)[number];
export type LineageProblem = LineageProblemV1;
/** A problem met while reading a file; `unreadable` when the whole file could not be used (not JSON, too large). */
export type ReadProblem = LineageProblem & { unreadable?: boolean };

/** A parent the metadata names, before it is matched to a registered artifact. */
export interface DeclaredParent {
  kind: ReferenceKind;
  upstreamId: string;
  /** Most precise first (see lookupKeysOf). */
  lookupKeys: string[];
  relationship: LineageRelationship;
  source: LineageSource;
}

/** Everything lineage reads from one stored version's metadata. */
export interface LineageDeclarations {
  parents: DeclaredParent[];
  /** The GitHub repositories the card mentions (`github:<owner>/<repo>`): the code it may be linked to. */
  codeKeys: string[];
  problems: LineageProblem[];
  status: MetadataStatus;
  /** Where the artifact's own lineage was read from (its node's `source`). */
  lineageSource: LineageSource;
  /** More parents were named than are kept. */
  truncated: boolean;
}

/** Parents kept per version (the LineageChanged contract lists at most 200 pending ones). */
export const MAX_DECLARED_PARENTS = 200;
/** Problems kept per version: enough to explain, bounded against a config that is nothing but bad references. */
const MAX_PROBLEMS = 50;

/** Collects parents in precedence order: the first source to name a parent decides its relationship and source. */
class ParentCollector {
  readonly parents: DeclaredParent[] = [];
  readonly problems: LineageProblem[] = [];
  /** Sources that could not be read at all (as opposed to one unusable value in a readable file). */
  readonly unreadable = new Set<LineageSource>();
  private readonly seen = new Set<string>();
  private named = 0;

  constructor(private readonly identity: string) {}

  add(kind: ReferenceKind, value: string, relationship: LineageRelationship, source: LineageSource): void {
    const parsed = parseUpstreamReference(value, kind);
    if (parsed.kind === 'ignored') return;
    if (parsed.kind === 'invalid') return this.problem(source, parsed.reason);
    if (kind === 'model' && parsed.id.toLowerCase() === this.identity) return this.problem(source, `names the model itself (${parsed.id}); ignored`);
    const lookupKeys = lookupKeysOf(kind, parsed.id);
    const key = `${kind}:${parsed.id.toLowerCase()}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.named += 1;
    if (this.parents.length < MAX_DECLARED_PARENTS) this.parents.push({ kind, upstreamId: parsed.id, lookupKeys, relationship, source });
  }

  problem(source: LineageSource, message: string, unreadable = false): void {
    if (unreadable) this.unreadable.add(source);
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ source, message: message.slice(0, 500) });
  }

  get truncated(): boolean {
    return this.named > this.parents.length;
  }

  get namedCount(): number {
    return this.named;
  }
}

const listOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const nonEmpty = (value: object | undefined): boolean => value !== undefined && Object.values(value).some((v) => v !== undefined);

/**
 * Reads the parents of a model version from its metadata, in precedence order:
 *  1. the card's base models (`baseModels` as ingest derived them, with the Hub's relation; else the card's own
 *     `base_model` with its `base_model_relation`, `base_model` when it states none);
 *  2. adapter_config.json's `base_model_name_or_path` (`adapter`);
 *  3. config.json's `base_model`, `base_model_name_or_path` and `_name_or_path` (`base_model`);
 *  4. the datasets the card names (`fine_tuning_dataset`).
 * Code and datasets have no parents of their own. `identity` is the model's repo id (or name): a reference to it is
 * a self-reference, recorded and dropped. `problems` are those found while the files were read (uploads).
 * The status is `unreadable` when no source could be read, `partial` when one could not but another could.
 */
export function readLineageDeclarations(
  artifact: { type: string; identity: string; hasContent: boolean },
  metadata: PackageMetadata,
  problems: readonly ReadProblem[] = [],
): LineageDeclarations {
  const collector = new ParentCollector(artifact.identity.toLowerCase());
  for (const p of problems) collector.problem(p.source, p.message, p.unreadable);
  if (artifact.type !== 'model') return { parents: [], codeKeys: [], problems: collector.problems, status: 'ok', lineageSource: 'registration', truncated: false };

  const card = metadata.card ?? {};
  const cardBases = card.base_model ?? [];
  if (metadata.baseModels && metadata.baseModels.length > 0) {
    // Ingest falls back to adapter_config.json's base when the card names none (card-metadata.ts, baseModelsOf).
    const source: LineageSource = cardBases.length === 0 ? 'adapter_config' : 'model_card';
    for (const base of metadata.baseModels) collector.add('model', base.repo, base.relation, source);
  } else {
    for (const repo of cardBases) collector.add('model', repo, card.base_model_relation ?? 'base_model', 'model_card');
  }
  const adapter = metadata.adapterConfig;
  if (adapter?.parseError) collector.problem('adapter_config', adapter.parseError, true);
  else if (adapter?.base_model_name_or_path) collector.add('model', adapter.base_model_name_or_path, 'adapter', 'adapter_config');
  const config = metadata.config;
  if (config?.parseError) collector.problem('config_json', config.parseError, true);
  else if (config) {
    for (const value of [...listOf(config.base_model), config.base_model_name_or_path, config._name_or_path]) {
      if (value !== undefined) collector.add('model', value, 'base_model', 'config_json');
    }
  }
  for (const dataset of [...(metadata.datasets ?? []), ...(card.datasets ?? [])]) collector.add('dataset', dataset, 'fine_tuning_dataset', 'model_card');

  // A config excerpt of `{}` is a config.json that was read and names none of the fields: read, not missing.
  const configRead = config !== undefined && !config.parseError;
  const adapterRead = adapter !== undefined && !adapter.parseError;
  const cardRead = nonEmpty(card) || (metadata.baseModels?.length ?? 0) > 0;
  const brokenSources = collector.unreadable.size > 0;
  let status: MetadataStatus = brokenSources ? 'partial' : 'ok';
  if (!configRead && !adapterRead && !cardRead) {
    status = 'unreadable';
    if (!artifact.hasContent) collector.problem('registration', `the artifact has no package content${metadata.note ? ` (${metadata.note})` : ''}`);
    else if (!brokenSources) collector.problem('registration', 'the package has no config.json, adapter_config.json or model card front matter to read lineage from');
  }
  if (collector.truncated) {
    collector.problem('registration', `the metadata names ${collector.namedCount} parents; the first ${MAX_DECLARED_PARENTS} were kept`);
  }
  const lineageSource: LineageSource = configRead ? 'config_json' : adapterRead ? 'adapter_config' : cardRead ? 'model_card' : 'registration';
  return { parents: collector.parents, codeKeys: codeKeysNamedBy(metadata), problems: collector.problems, status, lineageSource, truncated: collector.truncated };
}
