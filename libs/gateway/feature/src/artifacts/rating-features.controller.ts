import type { ModelRating } from '@modelguard/domain';
import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { qualifiedTable } from '@modelguard/persistence';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ModelRatingEntity } from '../persistence/model-rating.entity';
import { ArtifactService } from './artifact.service';

/**
 * Rate. Ratings come from the scoring service through the gateway's read model. Lineage and cost are in
 * lineage.controller.ts, the license check in license-check.controller.ts.
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
}
