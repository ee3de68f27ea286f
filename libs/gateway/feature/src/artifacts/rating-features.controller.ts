import type { ModelRating } from '@modelguard/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { qualifiedTable } from '@modelguard/persistence';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId, parseArtifactType } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';
import { ArtifactService } from './artifact.service';

const BYTES_PER_MB = 1_000_000;

/**
 * Rate / cost / lineage / license-check. Ratings come from the scoring service through the gateway's read model.
 * Lineage and license analysis belong to services whose issues have not landed: until then these answer a clear,
 * spec-listed error (openapi/README.md). Cost is computed here from the stored package size, which the gateway
 * already knows.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class RatingFeaturesController {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * The rating of the model's latest stored version, from the read model the scoring service's RatingComputed
   * events fill: a /rate call reads one row and never computes anything. Spec: "requests to /rate … should
   * return 404 until a rating result exists".
   */
  @Get('artifact/model/:id/rate')
  async rate(@Param('id') rawId: string): Promise<ModelRating> {
    const id = parseArtifactId(rawId);
    // The common case in one round trip: the rating of the latest stored version. Only when there is none do
    // the lookups below run, to answer 404 with the precise reason.
    const ratings = qualifiedTable(this.dataSource, 'model_ratings');
    const versions = qualifiedTable(this.dataSource, 'artifact_versions');
    const [hit] = (await this.dataSource.query(
      `SELECT r.rating FROM ${ratings} r
        WHERE r.artifact_id = $1
          AND r.version = (SELECT v.version FROM ${versions} v
                            WHERE v.artifact_id = $1 AND v.ingest_state = 'stored' ORDER BY v.ordinal DESC LIMIT 1)`,
      [id],
    )) as Array<{ rating: ModelRating }>;
    if (hit !== undefined) return hit.rating;
    const artifact = await this.artifacts.require(this.dataSource.manager, 'model', id);
    const stored = await this.dataSource.getRepository(ArtifactVersionEntity).findOne({
      where: { artifactId: id, ingestState: 'stored' },
      order: { ordinal: 'DESC' },
    });
    if (stored === null) throw new ClientError(404, `${artifact.name} has no stored package yet, so it has no rating`);
    const rating = await this.dataSource.getRepository(ModelRatingEntity).findOneBy({ artifactId: id, version: stored.version });
    if (rating === null) throw new ClientError(404, `no rating exists yet for ${artifact.name} version ${stored.version} (it is being rated)`);
    return rating.rating;
  }

  @Get('artifact/:artifact_type/:id/cost')
  async cost(@Param('artifact_type') rawType: string, @Param('id') rawId: string, @Query('dependency') dep: unknown): Promise<Record<string, { total_cost: number; standalone_cost?: number }>> {
    const type = parseArtifactType(rawType);
    const id = parseArtifactId(rawId);
    if (dep !== undefined && dep !== 'true' && dep !== 'false') throw new ClientError(400, 'dependency must be true or false');
    const artifact = await this.artifacts.require(this.dataSource.manager, type, id);
    const stored = await this.dataSource.getRepository(ArtifactVersionEntity).findOne({
      where: { artifactId: id, ingestState: 'stored' },
      order: { ordinal: 'DESC' },
    });
    if (stored === null) throw new ClientError(404, `${artifact.name} has no stored package yet, so its size is unknown`);
    const mb = Math.round((Number(stored.totalBytes) / BYTES_PER_MB) * 1000) / 1000;
    // Dependencies (lineage parents, linked code/datasets) come from the lineage service; until then the closure is
    // the artifact itself, so total = standalone.
    return { [id]: dep === 'true' ? { standalone_cost: mb, total_cost: mb } : { total_cost: mb } };
  }

  @Get('artifact/model/:id/lineage')
  async lineage(@Param('id') rawId: string): Promise<never> {
    await this.artifacts.require(this.dataSource.manager, 'model', parseArtifactId(rawId));
    throw new ClientError(400, 'lineage metadata is not available yet (the lineage service is not integrated)');
  }

  @Post('artifact/model/:id/license-check')
  @HttpCode(200)
  async licenseCheck(@Param('id') rawId: string, @Body() body: unknown): Promise<never> {
    const url = typeof body === 'object' && body !== null ? (body as { github_url?: unknown }).github_url : undefined;
    if (typeof url !== 'string' || !/^https?:\/\/(www\.)?github\.com\/[^/]+\/[^/]+/.test(url)) {
      throw new ClientError(400, 'body must be {"github_url": "https://github.com/<owner>/<repo>"}');
    }
    await this.artifacts.require(this.dataSource.manager, 'model', parseArtifactId(rawId));
    throw new ClientError(502, 'license compatibility cannot be assessed yet (the license service is not integrated)');
  }
}
