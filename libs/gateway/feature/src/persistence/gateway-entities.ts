import { ArtifactVersionEntity } from './artifact-version.entity';
import { ArtifactEntity } from './artifact.entity';
import { DownloadEntity } from './download.entity';
import { GatewayInit1764300000000 } from './gateway-init.migration';
import { UserEntity } from './user.entity';

/** What ServicePlatformModule.forService({ entities, migrations }) needs for the gateway schema. */
export const gatewayEntities = [UserEntity, ArtifactEntity, ArtifactVersionEntity, DownloadEntity];
export const gatewayMigrations = [GatewayInit1764300000000];
