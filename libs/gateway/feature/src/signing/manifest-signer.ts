import type { ManifestEntry } from '@modelguard/contracts';
import { buildOmsStatement, downloadExtrasFor, signStatement } from '@modelguard/signing';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactSignatureEntity } from '../persistence/artifact-signature.entity';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { SigningKeysService } from './signing-keys.service';

/**
 * Signs a version's manifest when it is stored, in the caller's transaction (the version row and its signature
 * commit together, so no stored version is ever served unsigned). Idempotent: a redelivered event re-signs the same
 * immutable manifest and replaces the bundle.
 */
@Injectable()
export class ManifestSigner implements OnApplicationBootstrap {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Versions stored before signing existed are signed once at start-up (trust on first use of their recorded
   * manifest); from then on every stored version has a bundle and an unsigned one is refused at download.
   */
  async onApplicationBootstrap(): Promise<void> {
    const unsigned = await this.dataSource
      .getRepository(ArtifactVersionEntity)
      .createQueryBuilder('v')
      .innerJoinAndMapOne('v.artifact', ArtifactEntity, 'a', 'a.id = v.artifactId')
      .leftJoin(ArtifactSignatureEntity, 's', 's.artifactId = v.artifactId AND s.version = v.version')
      .where("v.ingestState = 'stored' AND s.artifactId IS NULL")
      .getMany();
    for (const v of unsigned as (ArtifactVersionEntity & { artifact: ArtifactEntity })[]) {
      await this.sign(this.dataSource.manager, v.artifact, v.version, v.files);
    }
  }

  async sign(m: EntityManager, artifact: { id: string; name: string }, version: string, files: readonly ManifestEntry[]): Promise<void> {
    const extras = downloadExtrasFor(files.map((f) => f.path));
    const statement = buildOmsStatement(artifact.name, files, [extras.sums, extras.bundle]);
    const key = this.keys.current();
    const bundle = JSON.stringify(signStatement(statement, key));
    await m.getRepository(ArtifactSignatureEntity).upsert({ artifactId: artifact.id, version, keyId: key.keyId, bundle }, { conflictPaths: ['artifactId', 'version'] });
  }
}
