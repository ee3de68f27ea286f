import type { ArtifactType, ManifestEntry } from '@modelguard/contracts';
import { buildOmsStatement, downloadExtrasFor, signStatement } from '@modelguard/signing';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SecurityEvents } from '../auth/security-events';
import { ArtifactSignatureEntity } from '../persistence/artifact-signature.entity';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { SIGNING_ACTOR, SigningKeysService } from './signing-keys.service';

/**
 * Signs a version's manifest when it is stored, in the caller's transaction (the version row and its signature
 * commit together, so no stored version is ever served unsigned). Idempotent: a redelivered event re-signs the same
 * immutable manifest and replaces the bundle.
 *
 * Key use (issue 11.4) is audited here, as one SIGNING_KEY_USE security event per signing, in the same transaction:
 * subject the key id, the artifact and version named. Not folded into the store's own audit event instead, because
 * for an ingest that event (artifact.created/updated) is published when the request arrives, before the version is
 * stored and signed, and a start-up backfill has no store event at all; so the key appears in exactly one entry per
 * signed version, on every path (upload, ingest, backfill), and never twice. Callers sign a version once (first
 * time it is stored), so a redelivery does not repeat the entry either.
 */
@Injectable()
export class ManifestSigner implements OnApplicationBootstrap {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly dataSource: DataSource,
    private readonly security: SecurityEvents,
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
      // One transaction per version: its bundle and its key-use entry commit together.
      await this.dataSource.transaction((m) => this.sign(m, v.artifact, v.version, v.files));
    }
  }

  async sign(m: EntityManager, artifact: { id: string; type: ArtifactType; name: string }, version: string, files: readonly ManifestEntry[]): Promise<void> {
    const extras = downloadExtrasFor(files.map((f) => f.path));
    const statement = buildOmsStatement(artifact.name, files, [extras.sums, extras.bundle]);
    const key = this.keys.current();
    const bundle = JSON.stringify(signStatement(statement, key));
    await m.getRepository(ArtifactSignatureEntity).upsert({ artifactId: artifact.id, version, keyId: key.keyId, bundle }, { conflictPaths: ['artifactId', 'version'] });
    const ref = { artifactId: artifact.id, artifactType: artifact.type, name: artifact.name };
    await this.security.publish(m, SIGNING_ACTOR, 'SIGNING_KEY_USE', key.keyId, `signed the manifest of version ${version} (${files.length} files)`, ref);
  }
}
