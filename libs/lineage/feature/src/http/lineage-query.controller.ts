import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { type ArtifactCostV1, ArtifactIdSchema, type ArtifactLineageGraphV1, LINEAGE_MAX_DEPTH } from '@modelguard/contracts';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { FAMILY_DEPTH, LineageGraphReader } from '../graph/lineage-graph.reader';

function parseId(id: string): string {
  if (!ArtifactIdSchema.safeParse(id).success) throw new BadRequestException('artifact id must match ^[a-zA-Z0-9-]+$ (max 128)');
  return id;
}

/**
 * The server of the ArtifactLineage and ArtifactCost internal queries (@modelguard/contracts), which the gateway
 * serves as `GET /artifact/model/{id}/lineage`, the extension's full graph and `GET /artifact/{type}/{id}/cost`.
 * Not exposed publicly: authorisation is the gateway's job. Each answer reads one snapshot of the graph.
 *  - 400 malformed id, scope or depth; 404 an artifact lineage has not recorded
 */
@Controller('internal/artifacts')
export class LineageQueryController {
  private readonly reader = new LineageGraphReader();

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get(':id/lineage')
  async lineage(@Param('id') rawId: string, @Query('scope') rawScope: unknown, @Query('depth') rawDepth: unknown): Promise<ArtifactLineageGraphV1> {
    const id = parseId(rawId);
    if (rawScope !== undefined && rawScope !== 'models' && rawScope !== 'all') throw new BadRequestException('scope must be models or all');
    const scope = rawScope ?? 'models';
    let depth = FAMILY_DEPTH;
    if (rawDepth !== undefined) {
      depth = typeof rawDepth === 'string' && /^\d{1,3}$/.test(rawDepth) ? Number(rawDepth) : NaN;
      if (!(depth >= 1 && depth <= LINEAGE_MAX_DEPTH)) throw new BadRequestException(`depth must be an integer from 1 to ${LINEAGE_MAX_DEPTH}`);
    }
    const graph = await this.snapshot((m) => this.reader.graphOf(m, id, scope, depth));
    if (graph === null) throw new NotFoundException(`lineage has not recorded artifact ${id}`);
    return graph;
  }

  @Get(':id/cost')
  async cost(@Param('id') rawId: string): Promise<ArtifactCostV1> {
    const id = parseId(rawId);
    const cost = await this.snapshot((m) => this.reader.costOf(m, id));
    if (cost === null) throw new NotFoundException(`lineage has not recorded artifact ${id}`);
    return cost;
  }

  /** A walk is several statements: one repeatable-read transaction makes them see one state of the graph. */
  private snapshot<T>(work: (m: Parameters<Parameters<DataSource['transaction']>[1]>[0]) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }
}
