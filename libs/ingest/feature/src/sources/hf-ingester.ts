import { type ManifestEntry, PACKAGE_CARD_DATA_MAX_CHARS, PACKAGE_README_MAX_CHARS, type CardFrontMatter, type PackageMetadata, type UpstreamInfo } from '@modelguard/contracts';
import { manifestTotalBytes } from '@modelguard/domain';
import { classifyPath, validateEntryName } from '@modelguard/packages';
import { BlobIntegrityError, BlobTooLargeError } from '@modelguard/storage';
import { Transform } from 'node:stream';
import { baseModelsOf, boundedJson, cardFrontMatterOf, extractAdapterConfig, extractConfig, parseFrontMatter } from './card-metadata';
import { HfRepoInfo, HfRepoKind, HfTreeEntry, HuggingFaceClient, UpstreamError, isUpstreamError } from '@modelguard/egress';
import { IngestDeps, PackageContent } from './package-content';
import { mapBounded } from './bounded-map';
import { chainStreams } from './stream-chain';
import { GitBlobVerifier, PrefixCapture } from './stream-taps';
import { versionTagOf } from './hf-version-tag';

/** Files we still keep from a dataset too large to mirror: its card and small descriptive files. */
const PARTIAL_FILE_MAX = 1024 * 1024;
const CONFIG_CAPTURE = 512 * 1024;
/** A few files at once hides per-file latency (redirect + TLS) without hogging a 2-core box or the upstream. */
const DOWNLOAD_CONCURRENCY = 3;

interface PlannedFile {
  path: string;
  size: number;
  lfsSha256: string | null;
  gitOid: string | null;
}

function planFiles(repo: string, tree: HfTreeEntry[], maxFiles: number): PlannedFile[] {
  const files = tree.filter((e) => e.type === 'file');
  if (files.length > maxFiles) throw new UpstreamError('too-large', `${repo} has ${files.length} files (limit ${maxFiles})`);
  const seen = new Set<string>();
  return files.map((e) => {
    // Tree paths come from upstream and name our manifest entries: same rules as zip entry names.
    const path = validateEntryName(e.path);
    if (seen.has(path)) throw new UpstreamError('invalid-response', `${repo} lists ${path} twice`);
    seen.add(path);
    return { path, size: e.lfs?.size ?? e.size, lfsSha256: e.lfs?.oid ?? null, gitOid: !e.lfs && e.oid && /^[0-9a-f]{40}$/.test(e.oid) ? e.oid : null };
  });
}

async function storeFile(deps: IngestDeps, url: string, file: PlannedFile, capture: PrefixCapture | null): Promise<ManifestEntry> {
  const res = await deps.fetcher.get(url, { maxBytes: file.size });
  const stages: Transform[] = [];
  if (file.gitOid) stages.push(new GitBlobVerifier(file.path, file.size, file.gitOid));
  if (capture) stages.push(capture);
  const chain = chainStreams(res.body, stages);
  try {
    const stored = await deps.blobs.put(chain.tail, { expectedSha256: file.lfsSha256 ?? undefined, sizeHint: file.size, maxBytes: file.size });
    if (stored.size !== file.size) throw new UpstreamError('length-mismatch', `${file.path} is ${stored.size} bytes, tree says ${file.size}`);
    return { path: file.path, size: stored.size, sha256: stored.sha256 };
  } catch (error) {
    chain.destroy();
    const cause = chain.firstError();
    if (cause && isUpstreamError(cause)) throw cause;
    if (error instanceof BlobIntegrityError) throw new UpstreamError('integrity', `${file.path} does not match its LFS sha256`, undefined, { cause: error });
    if (error instanceof BlobTooLargeError) throw new UpstreamError('too-large', `${file.path} is larger than the ${file.size} bytes listed`, undefined, { cause: error });
    throw error;
  }
}

function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

function licenseOf(info: HfRepoInfo, card: CardFrontMatter): string | undefined {
  return card.license ?? info.tags?.find((t) => t.startsWith('license:'))?.slice('license:'.length, 'license:'.length + 100);
}

/** Small JSON files read while streaming them to the blob store (they are stored like every other file). */
interface MetadataCaptures {
  readme: PrefixCapture | null;
  config: PrefixCapture | null;
  adapterConfig: PrefixCapture | null;
}

function upstreamOf(kind: HfRepoKind, info: HfRepoInfo, revision: string, versionTag: string | null): UpstreamInfo {
  return compact({
    repo: info.id,
    kind,
    revision,
    versionTag: versionTag ?? undefined,
    author: info.author,
    lastModified: info.lastModified,
    createdAt: info.createdAt,
    downloads: info.downloads,
    likes: info.likes,
    tags: info.tags?.slice(0, 200),
    libraryName: info.library_name,
    pipelineTag: info.pipeline_tag,
    gated: info.gated,
    usedStorage: info.usedStorage,
  });
}

function buildMetadata(
  kind: HfRepoKind,
  info: HfRepoInfo,
  revision: string,
  versionTag: string | null,
  captured: MetadataCaptures,
  filePaths: readonly string[],
): PackageMetadata {
  const readmeText = captured.readme?.text.slice(0, PACKAGE_README_MAX_CHARS);
  // The Hub's parsed cardData wins; the README's front matter is the fallback when the Hub sent none.
  const card = cardFrontMatterOf(info.cardData ?? (readmeText ? parseFrontMatter(readmeText) : {}));
  const adapterConfig = captured.adapterConfig ? extractAdapterConfig(captured.adapterConfig.text) : undefined;
  return compact({
    upstream: upstreamOf(kind, info, revision, versionTag),
    license: licenseOf(info, card),
    baseModels: kind === 'model' ? baseModelsOf(card, adapterConfig, filePaths) : undefined,
    datasets: card.datasets,
    config: captured.config ? extractConfig(captured.config.text) : undefined,
    adapterConfig,
    card,
    cardData: boundedJson(info.cardData, PACKAGE_CARD_DATA_MAX_CHARS),
    description: info.description?.slice(0, 4096),
    readme: readmeText,
    readmeTruncated: captured.readme ? captured.readme.truncated : undefined,
  });
}

/**
 * Mirrors a Hub model or dataset at one pinned revision: info → recursive tree → every file streamed from
 * `resolve/<sha>` into the blob store (LFS files verified by sha256, git files by blob id, sizes exact).
 * A model over maxPackageBytes is refused; a dataset over it is kept as card + small files (metadata.truncated).
 * The refs listing says which release tag names the commit (metadata.upstream.versionTag).
 */
export async function ingestHuggingFace(deps: IngestDeps, kind: HfRepoKind, repo: string): Promise<PackageContent> {
  const client = new HuggingFaceClient(deps.fetcher, deps.hfEndpoint);
  const info = await client.info(kind, repo);
  const revision = info.sha ?? 'main';
  // The canonical id (legacy `bert-base-uncased` → `google-bert/bert-base-uncased`) is what files resolve under.
  const canonical = info.id;
  // Read alongside the files (it never rejects): which release tag, if any, names this commit.
  const versionTag = versionTagOf(client, kind, canonical, info.sha);
  let files = planFiles(canonical, await client.tree(kind, canonical, revision, deps.limits.maxFiles), deps.limits.maxFiles);
  const declared = manifestTotalBytes(files);
  let truncated: PackageMetadata['truncated'];
  if (declared > deps.limits.maxPackageBytes) {
    if (kind === 'model') throw new UpstreamError('too-large', `${canonical} is ${declared} bytes, over the ${deps.limits.maxPackageBytes}-byte package limit`);
    truncated = { reason: 'package exceeds maxPackageBytes', declaredBytes: declared, declaredFiles: files.length };
    files = files.filter((f) => f.size <= PARTIAL_FILE_MAX && !['weights', 'datasets'].includes(classifyPath(f.path)));
  }
  // One capture per file: a repo may hold both README.md and readme.md, only the first is the card.
  const readmePath = files.find((f) => f.path.toLowerCase() === 'readme.md')?.path;
  const readme = readmePath ? new PrefixCapture(deps.limits.readmeBytes) : null;
  const captureOf = (path: string) => (kind === 'model' && files.some((f) => f.path === path) ? new PrefixCapture(CONFIG_CAPTURE) : null);
  const captured: MetadataCaptures = { readme, config: captureOf('config.json'), adapterConfig: captureOf('adapter_config.json') };
  const manifest: ManifestEntry[] = await mapBounded(files, DOWNLOAD_CONCURRENCY, (file) => {
    const capture =
      file.path === readmePath ? readme : file.path === 'config.json' ? captured.config : file.path === 'adapter_config.json' ? captured.adapterConfig : null;
    return storeFile(deps, client.fileUrl(kind, canonical, revision, file.path), file, capture);
  });
  const metadata = buildMetadata(kind, info, revision, await versionTag, captured, manifest.map((f) => f.path));
  return {
    source: 'huggingface',
    files: manifest,
    totalBytes: manifestTotalBytes(manifest),
    metadata: truncated ? { ...metadata, truncated } : metadata,
  };
}
