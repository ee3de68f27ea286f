import { ArtifactVersionEntity } from './artifact-version.entity';
import { ArtifactEntity } from './artifact.entity';
import { DownloadEntity } from './download.entity';
import { GatewayInit1764300000000 } from './gateway-init.migration';
import { GatewayRatings1764320000000 } from './gateway-ratings.migration';
import { ModelRatingEntity } from './model-rating.entity';
import { UserEntity } from './user.entity';

/** What ServicePlatformModule.forService({ entities, migrations }) needs for the gateway schema. */
export const gatewayEntities = [UserEntity, ArtifactEntity, ArtifactVersionEntity, DownloadEntity, ModelRatingEntity];
export const gatewayMigrations = [GatewayInit1764300000000, GatewayRatings1764320000000];
