import { ALIAS_NAME_PATTERN, type ArtifactType } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { IngestWaiter } from '../artifacts/ingest-waiter';
import type { RequestActor } from '../auth/actor';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { AliasesService } from '../releases/aliases.service';
import { hfError, repoNotFound } from './hf-errors';
import { HfMissCache } from './hf-miss-cache';
import type { HfKind } from './hf-paths';
import { commitShaOf, pickRevision } from './hf-revision';

/** A stored repo at one revision, ready to describe or serve (its gates are the caller's). */
export interface MirroredRevision {
  artifact: ArtifactEntity;
  version: ArtifactVersionEntity;
  sha: string;
}

const POLL_MS = 200;
/**
 * How ingest words "no such repo" in IngestFailed's reason (ingest's failure-classifier.ts), quoted in the 424: an
 * upstream 404/410, or the 401 the real Hub answers an anonymous fetch of a repo that does not exist (or that it would
 * never let the registry read: private, gated).
 */
const NOT_FOUND_UPSTREAM = /: (?:not found upstream: |upstream http-status: \S+ answered 401\b)/;

/** Where ModelGuard records a Hub repo it ingested: the artifact URL (ingest maps huggingface.co to HF_ENDPOINT). */
export function upstreamUrlOf(kind: HfKind, repo: string): string {
  return `https://huggingface.co/${kind === 'dataset' ? 'datasets/' : ''}${repo}`;
}

/** Spellings of the same Hub repo that a create may have stored (artifact-request.ts keeps the URL as given). */
function urlCandidates(kind: HfKind, repo: string): string[] {
  const path = `${kind === 'dataset' ? 'datasets/' : ''}${repo}`;
  return ['huggingface.co', 'www.huggingface.co', 'hf.co'].flatMap((host) => [`https://${host}/${path}`, `https://${host}/${path}/`, `http://${host}/${path}`]).map((u) => u.toLowerCase());
}

/** Whether `repo` is named by an `org` or `org/name` list entry (the Hub treats ids case-insensitively). */
export function listedIn(patterns: readonly string[], repo: string): boolean {
  const id = repo.toLowerCase();
  const org = id.includes('/') ? id.split('/')[0] : null;
  return patterns.some((p) => {
    const entry = p.toLowerCase();
    return entry === id || (!entry.includes('/') && entry === org);
  });
}

/**
 * Finds the registry's copy of a Hub repo, ingesting it on first request (pull-through): the request becomes an
 * ordinary create (ArtifactService → IngestRequested → the ingest service's SSRF-guarded fetch from HF_ENDPOINT,
 * the scan, the rating gate), owned by no user, and the caller waits up to GATEWAY_HF_MIRROR_WAIT_MS for it.
 */
@Injectable()
export class HfMirrorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
    private readonly waiter: IngestWaiter,
    private readonly aliases: AliasesService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly misses: HfMissCache,
  ) {}

  /** The repo at `revision`, pulled through when it is not stored yet, waited for while it is being ingested/scanned. */
  async open(kind: HfKind, repo: string, revision: string, actor: RequestActor): Promise<MirroredRevision> {
    const deadline = Date.now() + this.settings.gateway.hfMirror.waitMs;
    const artifact = (await this.find(kind, repo)) ?? (await this.pullThrough(kind, repo, actor));
    const versions = await this.versionsOf(artifact.id);
    let version = pickRevision(artifact.id, artifact.latestVersion, versions, revision) ?? (await this.aliased(kind, artifact.id, versions, revision));
    if (version === null) throw hfError(404, 'RevisionNotFound', `Invalid rev id: ${revision} (${repo.slice(0, 200)} has no such revision in ModelGuard)`);
    version = await this.settle(artifact.id, version, deadline);
    // Nothing to describe yet: the same retryable answer the download gate gives (packages/download-gate.ts).
    if (version.ingestState === 'ingesting') {
      throw hfError(409, 'ModelGuardPending', `ModelGuard is still ingesting ${repo}; retry later`, { 'Retry-After': '10' }, 'gate-pending');
    }
    if (version.ingestState === 'failed') throw repoNotFound(kind, repo, `ingestion failed: ${version.ingestError ?? 'unknown reason'}`);
    return { artifact, version, sha: commitShaOf(artifact.id, version) };
  }

  /**
   * A model's release alias used as a revision (`revision=production`) names the version the alias points at now.
   * Tried last: `main`, `HEAD`, commit shas and tags keep their meaning even if an alias has the same name.
   */
  private async aliased(kind: HfKind, artifactId: string, versions: readonly ArtifactVersionEntity[], revision: string): Promise<ArtifactVersionEntity | null> {
    if (kind !== 'model' || !ALIAS_NAME_PATTERN.test(revision)) return null;
    const key = await this.aliases.find(artifactId, revision);
    return key === null ? null : (versions.find((v) => v.version === key) ?? null);
  }

  versionsOf(artifactId: string): Promise<ArtifactVersionEntity[]> {
    return this.dataSource.getRepository(ArtifactVersionEntity).find({ where: { artifactId }, order: { ordinal: 'ASC' } });
  }

  async find(kind: HfKind, repo: string): Promise<ArtifactEntity | null> {
    const type: ArtifactType = kind;
    return this.dataSource
      .getRepository(ArtifactEntity)
      .createQueryBuilder('a')
      .where('a.type = :type AND lower(a.url) IN (:...urls)', { type, urls: urlCandidates(kind, repo) })
      .orderBy('a.seq', 'ASC')
      .getOne();
  }

  private async pullThrough(kind: HfKind, repo: string, actor: RequestActor): Promise<ArtifactEntity> {
    const { allow, deny, waitMs } = this.settings.gateway.hfMirror;
    if (listedIn(deny, repo) || (allow.length > 0 && !listedIn(allow, repo))) {
      throw hfError(403, 'ModelGuardUpstreamDenied', `ModelGuard does not mirror ${repo.slice(0, 200)}: not allowed by the registry's upstream allow/deny lists`, {}, 'refused');
    }
    // The upstream said "no such repo" moments ago: answer that again without asking it (hf-miss-cache.ts).
    if (await this.misses.isMissing(kind, repo)) throw repoNotFound(kind, repo, 'not found upstream');
    try {
      await this.artifacts.create(kind, { url: upstreamUrlOf(kind, repo) }, actor, { owner: null, waitMs });
    } catch (error: unknown) {
      if (!(error instanceof ClientError)) throw error;
      // Another request pulled the same repo at the same moment: wait for that one instead.
      if (error.status === 409) return (await this.find(kind, repo)) ?? Promise.reject(repoNotFound(kind, repo));
      if (error.reason === 'rating-gate') {
        throw hfError(403, 'ModelGuardRatingRejected', `ModelGuard refused ${repo.slice(0, 200)}: rating below the registry's threshold (${error.message})`, {}, 'rating-gate');
      }
      // Upstream has no such repo (or it cannot be fetched): the clients' "repository not found". Only a real
      // "not found" (ingest's failure-classifier.ts reason) is remembered: a failed fetch may work next time.
      if (error.status === 424) {
        if (NOT_FOUND_UPSTREAM.test(error.message)) await this.misses.rememberMissing(kind, repo);
        throw repoNotFound(kind, repo, error.message);
      }
      throw error;
    }
    const stored = await this.find(kind, repo);
    if (stored === null) throw repoNotFound(kind, repo, 'removed while ingesting');
    return stored;
  }

  /**
   * Waits (until `deadline`) for ingestion, the rating verdict and the scan: IngestWaiter covers the first two, the
   * scan is polled the same way. Returns the freshest row either way; the gates decide what to answer.
   */
  private async settle(artifactId: string, version: ArtifactVersionEntity, deadline: number): Promise<ArtifactVersionEntity> {
    const reload = async (): Promise<ArtifactVersionEntity> =>
      (await this.dataSource.getRepository(ArtifactVersionEntity).findOneBy({ artifactId, version: version.version })) ?? version;
    if (version.ingestState === 'ingesting' || version.ratingState === 'pending') {
      await this.waiter.wait(artifactId, version.version, Math.max(0, deadline - Date.now()));
    }
    let row = await reload();
    while (row.ingestState === 'stored' && row.scanState === 'pending' && Date.now() + POLL_MS < deadline) {
      await sleep(POLL_MS);
      row = await reload();
    }
    return row;
  }
}
