import { ArtifactVersionEntity } from './artifact-version.entity';
import { ArtifactEntity } from './artifact.entity';
import { AuthTokenEntity } from './auth-token.entity';
import { DownloadEntity } from './download.entity';
import { GatewayAuth1764351000000 } from './gateway-auth.migration';
import { GatewayInit1764300000000 } from './gateway-init.migration';
import { GatewayRatingGate1764330000000 } from './gateway-rating-gate.migration';
import { GatewayRatings1764320000000 } from './gateway-ratings.migration';
import { GatewayVersionLabels1764340000000 } from './gateway-version-labels.migration';
import { ModelRatingEntity } from './model-rating.entity';
import { UserEntity } from './user.entity';

/** What ServicePlatformModule.forService({ entities, migrations }) needs for the gateway schema. */
export const gatewayEntities = [UserEntity, ArtifactEntity, ArtifactVersionEntity, DownloadEntity, ModelRatingEntity, AuthTokenEntity];
export const gatewayMigrations = [GatewayInit1764300000000, GatewayRatings1764320000000, GatewayRatingGate1764330000000, GatewayVersionLabels1764340000000, GatewayAuth1764351000000];
