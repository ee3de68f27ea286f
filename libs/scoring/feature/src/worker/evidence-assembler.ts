import type { EntityManager } from 'typeorm';
import { codeKeysNamedBy, datasetKeysNamedBy, githubKeysIn } from '@modelguard/contracts';
import { LineageParentStore } from '../persistence/lineage-parent.store';
import { type LinkedBy, ScoredArtifactStore, type ScoredArtifact } from '../persistence/scored-artifact.store';

type LinkedArtifact = ScoredArtifact & { linkedBy: LinkedBy };
import type { EvidenceUnavailable, GithubEvidence, LinkedArtifactEvidence, RatingEvidence } from '../rating/rating-evidence';
import type { PackageReadmeReader } from './package-readme.reader';

/** Reads a GitHub repository's contributor and review history (the GithubEvidenceCollector in production). */
export interface GithubEvidenceSource {
  collect(repoUrl: string, signal: AbortSignal): Promise<GithubEvidence | EvidenceUnavailable>;
}

export const GITHUB_EVIDENCE_SOURCE = Symbol.for('modelguard.scoring.github-evidence-source');

/** What one rating is computed from, with the ids of the artifacts it was linked to (stored with the rating). */
export interface AssembledEvidence {
  evidence: RatingEvidence;
  linkedCodeId: string | null;
  linkedDatasetId: string | null;
}

/** Lets the collector report its own timeout (with its reason) before the safety race does. */
const SAFETY_MARGIN_MS = 250;

const toLinked = (a: LinkedArtifact): LinkedArtifactEvidence => ({ id: a.artifactId, name: a.name, url: a.url, files: a.files, metadata: a.metadata, linkedBy: a.linkedBy });

/** `https://github.com/<owner>/<repo>` of a code artifact, when it is on GitHub. */
function githubUrlOf(code: ScoredArtifact | null): string | undefined {
  const key = code ? githubKeysIn(code.url)[0] : undefined;
  return key ? `https://github.com/${key.slice('github:'.length)}` : undefined;
}

/**
 * Gathers the evidence of one model version: the stored package (files, metadata, and the README read from the
 * blob store when the event carried none, as for uploads), the code and dataset
 * artifacts it links to (package-links.ts in @modelguard/contracts states the rule) and, when the linked code is on GitHub, its
 * contributor and review history, bounded by `timeoutMs` so a hanging upstream costs a fallback, not a stuck job.
 * Reads only; runs outside any transaction.
 */
export class EvidenceAssembler {
  private readonly artifacts = new ScoredArtifactStore();
  private readonly lineage = new LineageParentStore();

  constructor(
    private readonly github: GithubEvidenceSource,
    private readonly readmes: PackageReadmeReader,
    private readonly timeoutMs: number,
  ) {}

  async assemble(manager: EntityManager, artifactId: string, version: string, signal: AbortSignal): Promise<AssembledEvidence | null> {
    const stored = await this.artifacts.find(manager, artifactId, version);
    if (stored === null) return null;
    // Before linking: an uploaded card may name its code and dataset too.
    const model = await this.withReadme(stored);
    const code = await this.linked(manager, 'code', codeKeysNamedBy(model.metadata), model.seq);
    const dataset = await this.linked(manager, 'dataset', datasetKeysNamedBy(model.metadata), model.seq);
    const evidence: RatingEvidence = {
      artifact: { id: model.artifactId, name: model.name, type: model.type },
      version: model.version,
      source: model.source,
      url: model.url,
      files: model.files,
      metadata: model.metadata,
      ...(code ? { linkedCode: toLinked(code) } : {}),
      ...(dataset ? { linkedDataset: toLinked(dataset) } : {}),
      // tree_score: the registered, rated lineage parents (from the lineage service's events).
      parents: await this.lineage.ratedParents(manager, model.artifactId),
    };
    const repoUrl = githubUrlOf(code);
    if (repoUrl !== undefined) evidence.github = await this.collectGithub(repoUrl, signal);
    return { evidence, linkedCodeId: code?.artifactId ?? null, linkedDatasetId: dataset?.artifactId ?? null };
  }

  private async linked(manager: EntityManager, type: 'code' | 'dataset', namedKeys: string[], beforeSeq: number): Promise<LinkedArtifact | null> {
    const found = await this.artifacts.findLinked(manager, type, namedKeys, beforeSeq);
    return found === null ? null : { ...(await this.withReadme(found.artifact)), linkedBy: found.by };
  }

  private async withReadme(artifact: ScoredArtifact): Promise<ScoredArtifact> {
    return { ...artifact, metadata: await this.readmes.withReadme(artifact.files, artifact.metadata) };
  }

  private async collectGithub(repoUrl: string, signal: AbortSignal): Promise<GithubEvidence | EvidenceUnavailable> {
    const combined = AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
    let timer: NodeJS.Timeout | undefined;
    // The collector bounds itself; this race (a moment later) bounds the wait even for one that ignores its signal.
    const deadline = new Promise<EvidenceUnavailable>((resolve) => {
      timer = setTimeout(() => resolve({ unavailable: `GitHub did not answer within ${this.timeoutMs} ms` }), this.timeoutMs + SAFETY_MARGIN_MS);
    });
    try {
      return await Promise.race([
        this.github.collect(repoUrl, combined).catch((error: unknown): EvidenceUnavailable => {
          if (signal.aborted) throw error;
          return { unavailable: `GitHub evidence could not be read: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}` };
        }),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
