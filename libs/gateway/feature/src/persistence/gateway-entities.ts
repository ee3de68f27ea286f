import { ArtifactVersionEntity } from './artifact-version.entity';
import { ArtifactEntity } from './artifact.entity';
import { AuthTokenEntity } from './auth-token.entity';
import { DownloadEntity } from './download.entity';
import { GatewayAuth1764351000000 } from './gateway-auth.migration';
import { GatewayInit1764300000000 } from './gateway-init.migration';
import { GatewayJanitor1764400000000 } from './gateway-janitor.migration';
import { GatewayPopularity1764380000000 } from './gateway-popularity.migration';
import { GatewayRatingGate1764330000000 } from './gateway-rating-gate.migration';
import { GatewayRatings1764320000000 } from './gateway-ratings.migration';
import { GatewaySensitive1764372000000 } from './gateway-sensitive.migration';
import { GatewaySignatures1764390000000 } from './gateway-signatures.migration';
import { ArtifactSignatureEntity } from './artifact-signature.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { GatewayVersionLabels1764340000000 } from './gateway-version-labels.migration';
import { GatewaySearchIndex1764420000000 } from './gateway-search-index.migration';
import { ModelRatingEntity } from './model-rating.entity';
import { SensitiveDownloadEntity } from './sensitive-download.entity';
import { SensitiveModelEntity } from './sensitive-model.entity';
import { UserEntity } from './user.entity';

/** What ServicePlatformModule.forService({ entities, migrations }) needs for the gateway schema. */
export const gatewayEntities = [UserEntity, ArtifactEntity, ArtifactVersionEntity, DownloadEntity, ModelRatingEntity, AuthTokenEntity, SensitiveModelEntity, SensitiveDownloadEntity, SigningKeyEntity, ArtifactSignatureEntity];
export const gatewayMigrations = [GatewayInit1764300000000, GatewayRatings1764320000000, GatewayRatingGate1764330000000, GatewayVersionLabels1764340000000, GatewayAuth1764351000000, GatewaySensitive1764372000000, GatewayPopularity1764380000000, GatewaySignatures1764390000000, GatewayJanitor1764400000000, GatewaySearchIndex1764420000000];
