import { contentRange, isPackageError, parseRangeHeader, type ByteRange } from '@modelguard/packages';
import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { sendBody } from '@modelguard/storage';
import type { Request, Response } from 'express';
import type { RequestActor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';
import { shownVersion } from '../domain/version-query';
import { DownloadService } from '../packages/download.service';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { AliasesService } from '../releases/aliases.service';
import { DownloadMonitorService } from '../sensitive/download-monitor.service';
import { hfError, inHubTerms } from './hf-errors';
import { HfMirrorGuard } from './hf-mirror.guard';
import { HfMirrorService } from './hf-mirror.service';
import { parseApiPath, parseResolvePath, parseRevision } from './hf-paths';
import { HfScanFindings } from './hf-scan-findings';
import { commitShaOf } from './hf-revision';
import { pathsInfo, repoInfo, treeEntries, type HfTreeEntry } from './hf-views';

/** Tree entries per page; further pages are linked with `Link: <…>; rel="next"` as on the Hub. */
const TREE_PAGE = 1000;
const MAX_PATHS_INFO = 1000;

/**
 * The Hugging Face Hub's read API over ModelGuard's own store, so `HF_ENDPOINT=<ModelGuard>` makes `huggingface_hub`
 * and `@huggingface/hub` pull through the registry: repo info, refs, tree, paths-info and `resolve` downloads (with
 * Range, the ETag the clients cache by, X-Repo-Commit). Downloads pass the same gates as the registry's own download
 * endpoints (scan, rating, sensitive-model monitor), re-worded for the clients (hf-errors.ts). Registered after the
 * course routes so it never shadows them.
 */
@Controller()
@UseGuards(HfMirrorGuard)
export class HfMirrorController {
  constructor(
    private readonly mirror: HfMirrorService,
    private readonly downloads: DownloadService,
    private readonly monitor: DownloadMonitorService,
    private readonly findings: HfScanFindings,
    private readonly aliases: AliasesService,
  ) {}

  @Get(['api/models/*path', 'api/datasets/*path'])
  async api(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentActor() actor: RequestActor): Promise<unknown> {
    const t = parseApiPath(req.originalUrl);
    const [what, rawRevision, ...dirParts] = t.rest;
    if (what === undefined || (what === 'revision' && dirParts.length === 0)) {
      const m = await this.mirror.open(t.kind, t.repo, parseRevision(rawRevision ?? 'main'), actor);
      return repoInfo(t.kind, t.repo, m.artifact, m.version, m.sha);
    }
    if (what === 'refs' && rawRevision === undefined) return this.refs(t.kind, t.repo, actor);
    if (what === 'tree') {
      const m = await this.mirror.open(t.kind, t.repo, parseRevision(rawRevision), actor);
      const entries = treeEntries(m.version.files, dirParts.join('/'), req.query['recursive'] === 'true');
      if (entries === null) throw hfError(404, 'EntryNotFound', `Entry not found: ${dirParts.join('/').slice(0, 200)}`, { 'X-Repo-Commit': m.sha });
      return this.page(req, res, entries);
    }
    throw hfError(404, 'EntryNotFound', 'Sorry, ModelGuard does not serve this Hub API path');
  }

  @Post(['api/models/*path', 'api/datasets/*path'])
  @HttpCode(200)
  async pathsInfo(@Req() req: Request, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<HfTreeEntry[]> {
    const t = parseApiPath(req.originalUrl);
    if (t.rest[0] !== 'paths-info' || t.rest.length !== 2) throw hfError(404, 'EntryNotFound', 'Sorry, ModelGuard does not serve this Hub API path');
    const paths = (body as { paths?: unknown } | undefined)?.paths;
    if (!Array.isArray(paths) || paths.length > MAX_PATHS_INFO || !paths.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 1024)) {
      throw hfError(400, 'ModelGuardBadRequest', `body must be {"paths": [...]} with 1 to ${MAX_PATHS_INFO} paths of at most 1024 characters`);
    }
    const m = await this.mirror.open(t.kind, t.repo, parseRevision(t.rest[1]), actor);
    return pathsInfo(m.version.files, paths as string[], { id: m.sha, date: m.version.createdAt.toISOString() });
  }

  /** GET and HEAD (Express answers HEAD with the GET route; the body is skipped below). */
  @Get(['datasets/:org/:name/resolve/:revision/*path', 'datasets/:name/resolve/:revision/*path', ':org/:name/resolve/:revision/*path', ':name/resolve/:revision/*path'])
  async resolve(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: RequestActor): Promise<void> {
    const t = parseResolvePath(req.originalUrl);
    let opened: { artifactId: string; version: string } | null = null;
    try {
      const m = await this.mirror.open(t.kind, t.repo, t.revision, actor);
      opened = { artifactId: m.artifact.id, version: m.version.version };
      const entry = m.version.files.find((f) => f.path === t.path);
      if (entry === undefined) throw hfError(404, 'EntryNotFound', `Entry not found: ${t.path.slice(0, 200)} is not in ${t.repo}`, { 'X-Repo-Commit': m.sha });
      // The registry's own gates, in the order its download endpoints apply them (packages/packages.controller.ts).
      const d = await this.downloads.resolve(m.artifact.type, m.artifact.id, shownVersion(m.version));
      // An empty file has no byte 0 to probe: answer whole, with the size where the JS client reads it.
      const range = entry.size === 0 ? null : rangeOf(req.headers.range, entry.size);
      if (entry.size === 0) res.setHeader('Content-Range', 'bytes */0');
      await this.monitor.check(d, [entry], `file:${t.path}`, actor);
      // The clients probe with `Range: bytes=0-0` (and HEAD, which record() itself skips) before downloading: only a
      // read of content is a download.
      const probe = range !== null && range.end === 0;
      if (!probe) await this.downloads.record(d, `hf-mirror:${t.path}`.slice(0, 1000), actor, req);
      const etag = `"${entry.sha256}"`;
      res.setHeader('ETag', etag);
      res.setHeader('X-Linked-Etag', etag);
      res.setHeader('X-Linked-Size', String(entry.size));
      res.setHeader('X-Repo-Commit', m.sha);
      res.setHeader('X-ModelGuard-Version', m.version.version);
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', `inline; filename="${(t.path.split('/').pop() ?? 'file').replace(/[^\x20-\x7e]|"/g, '_')}"`);
      if (d.warning !== null) res.setHeader('X-ModelGuard-Scan-Warning', d.warning.replace(/[^\x20-\x7e]/g, '?').slice(0, 500));
      if (range !== null) res.status(206).setHeader('Content-Range', contentRange(range, entry.size));
      else res.status(200);
      res.setHeader('Content-Length', String(range === null ? entry.size : range.end - range.start + 1));
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await sendBody(await this.downloads.openFile(entry, range ?? undefined), res);
    } catch (error: unknown) {
      // A client that hung up mid-file: nothing to answer, and nothing was written on our side.
      if (res.headersSent && (res.destroyed || req.destroyed)) return;
      const explained = opened === null ? error : await this.findings.explain(error, opened.artifactId, opened.version);
      throw inHubTerms(explained, `${t.kind === 'dataset' ? 'datasets/' : ''}${t.repo}/${t.path}`.slice(0, 300));
    }
  }

  private async refs(kind: 'model' | 'dataset', repo: string, actor: RequestActor): Promise<Record<string, unknown>> {
    const m = await this.mirror.open(kind, repo, 'main', actor);
    const versions = await this.mirror.versionsOf(m.artifact.id);
    const tags = versions
      .filter((v) => v.ingestState === 'stored')
      .map((v) => ({ name: shownVersion(v), ref: `refs/tags/${shownVersion(v)}`, targetCommit: commitShaOf(m.artifact.id, v) }));
    return { branches: [{ name: 'main', ref: 'refs/heads/main', targetCommit: m.sha }, ...(await this.aliasBranches(kind, m.artifact.id, versions))], tags, converts: [] };
  }

  /** A model's promoted release aliases are movable refs, so they list as branches (`main` keeps its own meaning). */
  private async aliasBranches(kind: 'model' | 'dataset', artifactId: string, versions: ArtifactVersionEntity[]): Promise<Array<Record<string, string>>> {
    if (kind !== 'model') return [];
    return (await this.aliases.list(artifactId)).flatMap((a) => {
      const v = a.alias === 'main' ? undefined : versions.find((x) => x.version === a.version);
      return v === undefined ? [] : [{ name: a.alias, ref: `refs/heads/${a.alias}`, targetCommit: commitShaOf(artifactId, v) }];
    });
  }

  private page(req: Request, res: Response, entries: HfTreeEntry[]): HfTreeEntry[] {
    const rawCursor = typeof req.query['cursor'] === 'string' ? req.query['cursor'] : '';
    const offset = rawCursor === '' ? 0 : Number(Buffer.from(rawCursor, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(offset) || offset < 0) throw hfError(400, 'ModelGuardBadRequest', 'invalid cursor');
    if (offset + TREE_PAGE < entries.length) {
      const next = new URL(req.originalUrl, 'http://mirror');
      next.searchParams.set('cursor', Buffer.from(String(offset + TREE_PAGE)).toString('base64url'));
      res.setHeader('Link', `<${publicBase(req)}${next.pathname}${next.search}>; rel="next"`);
    }
    return entries.slice(offset, offset + TREE_PAGE);
  }
}

/** The client follows the Link as given, so it must be absolute and on the host the client called. */
function publicBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function rangeOf(header: string | undefined, size: number): ByteRange | null {
  try {
    return parseRangeHeader(header, size);
  } catch (error: unknown) {
    if (isPackageError(error)) {
      throw hfError(416, 'ModelGuardRangeNotSatisfiable', `requested range not satisfiable: ${error.message}`, { 'Content-Range': contentRange(null, size) });
    }
    throw error;
  }
}
