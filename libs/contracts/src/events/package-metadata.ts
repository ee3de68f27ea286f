import { z } from 'zod';

/**
 * What a stored package version says about itself, for the services that read it (gateway search, scoring,
 * lineage): upstream facts, license, base models, datasets, config excerpts and the model card. Everything here
 * comes from upstream-controlled files and APIs, so every field is optional and lenient: a field of the wrong
 * shape or over its bound is dropped on parse (`lenient`), never a reason to dead-letter a whole package. Sizes
 * are bounded so one hostile card cannot bloat every event (messages are capped at 1 MiB).
 */

/** README text kept for regex search and ramp-up scoring (characters). */
export const PACKAGE_README_MAX_CHARS = 256 * 1024;
/** Raw card data kept for readers that need more than the typed front matter (JSON characters). */
export const PACKAGE_CARD_DATA_MAX_CHARS = 32 * 1024;

/** Optional, and dropped (instead of failing the parse) when it does not fit. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const text = (max: number) => z.string().max(max);
/** A Hugging Face repo id (`org/name`) or another short upstream reference. */
const RepoRef = z.string().min(1).max(200);
const count = z.number().int().nonnegative();

/** How a model derives from a base model (the Hub's `base_model_relation`). */
export const BASE_MODEL_RELATIONS = ['finetune', 'adapter', 'quantized', 'merge'] as const;
export type BaseModelRelation = (typeof BASE_MODEL_RELATIONS)[number];

export const BaseModelSchema = z.object({ repo: RepoRef, relation: z.enum(BASE_MODEL_RELATIONS) });
export type BaseModel = z.infer<typeof BaseModelSchema>;

/** Where the package came from. Hugging Face sets the first group, GitHub the second, unsupported hosts the last. */
export const UpstreamInfoSchema = z.object({
  /** HF repo id (canonical, `org/name`) or GitHub `owner/repo`. */
  repo: lenient(text(300)),
  // Hugging Face
  kind: lenient(z.enum(['model', 'dataset'])),
  /** The commit sha the files were read at. */
  revision: lenient(text(200)),
  /**
   * The git tag naming that commit as a release (`v1.2.0` or `1.2.0`, as upstream wrote it; the highest when several
   * do). Absent when no semver tag points at the commit. The gateway shows it as the version's label.
   */
  versionTag: lenient(text(256)),
  author: lenient(text(200)),
  lastModified: lenient(text(64)),
  createdAt: lenient(text(64)),
  downloads: lenient(count),
  likes: lenient(count),
  tags: lenient(z.array(text(200)).max(200)),
  libraryName: lenient(text(200)),
  pipelineTag: lenient(text(200)),
  gated: lenient(z.union([z.boolean(), text(32)])),
  usedStorage: lenient(count),
  // GitHub
  ref: lenient(text(255)),
  subdir: lenient(text(1024)),
  defaultBranch: lenient(text(255)),
  description: lenient(text(4096)),
  stars: lenient(count),
  forks: lenient(count),
  openIssues: lenient(count),
  pushedAt: lenient(text(64)),
  archived: lenient(z.boolean()),
  language: lenient(text(100)),
  zipballSha256: lenient(text(64)),
  // Hosts we register without content
  host: lenient(text(253)),
  url: lenient(text(2048)),
});
export type UpstreamInfo = z.infer<typeof UpstreamInfoSchema>;

/** The config.json fields lineage and scoring read (architecture, base model, precision). */
export const ModelConfigExcerptSchema = z.object({
  _name_or_path: lenient(text(512)),
  model_type: lenient(text(512)),
  architectures: lenient(z.array(text(256)).max(32)),
  torch_dtype: lenient(text(512)),
  transformers_version: lenient(text(512)),
  base_model: lenient(z.union([text(512), z.array(text(256)).max(32)])),
  base_model_name_or_path: lenient(text(512)),
  /** Set instead of the fields when config.json could not be read. */
  parseError: lenient(text(200)),
});
export type ModelConfigExcerpt = z.infer<typeof ModelConfigExcerptSchema>;

/** adapter_config.json (PEFT): the base model an adapter applies to. */
export const AdapterConfigExcerptSchema = z.object({
  base_model_name_or_path: lenient(text(512)),
  peft_type: lenient(text(100)),
  task_type: lenient(text(100)),
  parseError: lenient(text(200)),
});
export type AdapterConfigExcerpt = z.infer<typeof AdapterConfigExcerptSchema>;

/** The model card's YAML front matter keys scoring and lineage use (Hub cardData, or the README's front matter). */
export const CardFrontMatterSchema = z.object({
  license: lenient(text(100)),
  base_model: lenient(z.array(RepoRef).max(16)),
  base_model_relation: lenient(z.enum(BASE_MODEL_RELATIONS)),
  datasets: lenient(z.array(RepoRef).max(64)),
  language: lenient(z.array(text(64)).max(256)),
  library_name: lenient(text(200)),
  pipeline_tag: lenient(text(200)),
  tags: lenient(z.array(text(200)).max(200)),
});
export type CardFrontMatter = z.infer<typeof CardFrontMatterSchema>;

/** Set when a dataset is too large to mirror and only its card and small files were kept. */
export const PackageTruncationSchema = z.object({
  reason: text(500),
  declaredBytes: count,
  declaredFiles: count,
});

/**
 * The package's metadata. Known keys are typed; unknown keys are kept as they are, so a version stored before a
 * key was typed still parses.
 */
export const PackageMetadataSchema = z.looseObject({
  upstream: lenient(UpstreamInfoSchema),
  /** SPDX-ish license id (`apache-2.0`, `mit`, …) as upstream states it. */
  license: lenient(text(100)),
  baseModels: lenient(z.array(BaseModelSchema).max(16)),
  /** Dataset repo ids the card names (training/fine-tuning data). */
  datasets: lenient(z.array(RepoRef).max(64)),
  config: lenient(ModelConfigExcerptSchema),
  adapterConfig: lenient(AdapterConfigExcerptSchema),
  card: lenient(CardFrontMatterSchema),
  /** The Hub's parsed card data as is, when small (model-index results, widget, …). */
  cardData: lenient(z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= PACKAGE_CARD_DATA_MAX_CHARS)),
  description: lenient(text(4096)),
  readme: lenient(text(PACKAGE_README_MAX_CHARS)),
  readmeTruncated: lenient(z.boolean()),
  truncated: lenient(PackageTruncationSchema),
  /** Why the package has no content (metadata-only registrations). */
  note: lenient(text(500)),
});
export type PackageMetadata = z.infer<typeof PackageMetadataSchema>;
