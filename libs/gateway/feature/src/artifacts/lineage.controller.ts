import { type ArtifactLineageGraphV1, LINEAGE_MAX_DEPTH, Query } from '@modelguard/contracts';
import { Controller, Get, Param, Query as QueryParam, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { InternalQueriesService } from '../proxy/internal-queries.service';
import { ArtifactService } from './artifact.service';

const BYTES_PER_MB = 1_000_000;
/** The extension graph's default depth: parents, grandparents and great-grandparents (and as many levels down). */
const DEFAULT_GRAPH_DEPTH = 3;
const LINEAGE_SERVICE = 'the lineage service';

/** MB of the download, to the kilobyte. */
const megabytes = (bytes: number) => Math.round((bytes / BYTES_PER_MB) * 1000) / 1000;

/** The spec's ArtifactLineageGraph. */
interface SpecLineageGraph {
  nodes: { node: string; artifact_id: string; name: string; source: string; metadata: Record<string, string> }[];
  edges: { from_node_artifact_id: string; to_node_artifact_id: string; relationship: string }[];
}

type ArtifactCost = Record<string, { total_cost: number; standalone_cost?: number }>;

/**
 * Lineage and cost: both answered from the lineage service's graph (ArtifactLineage and ArtifactCost internal
 * queries) after the artifact's existence is checked here. Cost without dependencies needs only the stored package
 * size, which the gateway already knows.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class LineageController {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly dataSource: DataSource,
    private readonly internal: InternalQueriesService,
  ) {}

  /**
   * The spec's lineage: the model's family of models (ancestors and descendants), the model itself included, edges
   * parent → child. 400 when its metadata is missing or could not be read (the lineage would be a guess).
   * `node` repeats `artifact_id`: the spec's ArtifactLineageNode lists `node` as required without defining it.
   */
  @Get('artifact/model/:id/lineage')
  async lineage(@Param('id') rawId: string): Promise<SpecLineageGraph> {
    const id = parseArtifactId(rawId);
    const artifact = await this.artifacts.require(this.dataSource.manager, 'model', id);
    const graph = await this.graphOf({ id, scope: 'models' }, `${artifact.name} has no stored package yet, so its lineage metadata is missing`, 400);
    if (graph.metadata_status === 'unreadable') {
      const why = graph.problems.map((p) => `${p.source}: ${p.message}`).join('; ');
      throw new ClientError(400, `the lineage of ${artifact.name} cannot be computed: its metadata is missing or malformed (${why || 'nothing to read'})`);
    }
    return {
      nodes: graph.nodes.map((n) => ({ node: n.artifact_id, artifact_id: n.artifact_id, name: n.name, source: n.source, metadata: n.metadata })),
      edges: graph.edges.map((e) => ({ from_node_artifact_id: e.from_node_artifact_id, to_node_artifact_id: e.to_node_artifact_id, relationship: e.relationship })),
    };
  }

  /** Extension: the whole graph around any artifact (datasets, code and pending parents included) to `depth` levels. */
  @Get('artifacts/:artifact_type/:id/lineage')
  async fullGraph(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @QueryParam('depth') rawDepth: unknown): Promise<ArtifactLineageGraphV1> {
    const type = parseArtifactType(rawType);
    const id = parseArtifactId(rawId);
    let depth = DEFAULT_GRAPH_DEPTH;
    if (rawDepth !== undefined) {
      depth = typeof rawDepth === 'string' && /^\d{1,2}$/.test(rawDepth) ? Number(rawDepth) : NaN;
      if (!(depth >= 1 && depth <= LINEAGE_MAX_DEPTH)) throw new ClientError(400, `depth must be an integer from 1 to ${LINEAGE_MAX_DEPTH}`);
    }
    const artifact = await this.artifacts.require(this.dataSource.manager, type, id);
    return this.graphOf({ id, scope: 'all', depth }, `${artifact.name} has no stored package yet, so it has no lineage`, 404);
  }

  /**
   * The spec's cost in MB: the latest stored package alone, or with `dependency=true` every artifact of its closure
   * (lineage parents, linked datasets and code, transitively), each counted once, with its own standalone and total.
   */
  @Get('artifact/:artifact_type/:id/cost')
  async cost(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @QueryParam('dependency') dep: unknown): Promise<ArtifactCost> {
    const type = parseArtifactType(rawType);
    const id = parseArtifactId(rawId);
    if (dep !== undefined && dep !== 'true' && dep !== 'false') throw new ClientError(400, 'dependency must be true or false');
    const artifact = await this.artifacts.require(this.dataSource.manager, type, id);
    const stored = await this.latestStored(id);
    if (stored === null) throw new ClientError(404, `${artifact.name} has no stored package yet, so its size is unknown`);
    if (dep !== 'true') return { [id]: { total_cost: megabytes(Number(stored.totalBytes)) } };
    const closure = await this.withMissingAs(404, `${artifact.name}'s dependencies are not recorded yet (its package is still being read)`, () =>
      this.internal.query(Query.ArtifactCost, { id }, LINEAGE_SERVICE),
    );
    if (closure.body.truncated) throw new ClientError(500, `the dependency closure of ${artifact.name} is too large to cost`);
    return Object.fromEntries(closure.body.artifacts.map((a) => [a.artifact_id, { standalone_cost: megabytes(a.standalone_bytes), total_cost: megabytes(a.total_bytes) }]));
  }

  private async graphOf(request: { id: string; scope: 'models' | 'all'; depth?: number }, missing: string, missingStatus: number) {
    return (await this.withMissingAs(missingStatus, missing, () => this.internal.query(Query.ArtifactLineage, request, LINEAGE_SERVICE))).body;
  }

  /** The lineage service knows an artifact once it has read its stored package: before that, say so. */
  private async withMissingAs<T>(status: number, message: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error: unknown) {
      if (error instanceof ClientError && error.status === 404) throw new ClientError(status, message);
      throw error;
    }
  }

  private latestStored(id: string): Promise<ArtifactVersionEntity | null> {
    return this.dataSource.getRepository(ArtifactVersionEntity).findOne({ where: { artifactId: id, ingestState: 'stored' }, order: { ordinal: 'DESC' } });
  }
}
