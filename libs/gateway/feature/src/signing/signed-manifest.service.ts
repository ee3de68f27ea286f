import { checkAgainstStatement, verifyBundle, BundleError, type OmsStatement } from '@modelguard/signing';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { ArtifactSignatureEntity } from '../persistence/artifact-signature.entity';
import type { ArtifactVersionEntity } from '../persistence/artifact-version.entity';
import { SigningKeysService } from './signing-keys.service';

/**
 * The download-time check (issue 11.2): a stored version is served only if its bundle verifies with a registry key
 * and the manifest the download will use (artifact_versions.files) is exactly the signed one. The bytes of each blob
 * are then re-hashed against that manifest as they stream (zip-writer's DigestCheck), so a row or a blob changed
 * behind the registry's back is refused, never served.
 */
@Injectable()
export class SignedManifestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
  ) {}

  /** The bundle as stored (the text clients download), or null when the version has none. */
  async bundleText(artifactId: string, version: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(ArtifactSignatureEntity).findOneBy({ artifactId, version });
    return row?.bundle ?? null;
  }

  /**
   * `m` is the caller's transaction when it has one (the release gates): read outside it, the signature would wait
   * for that very transaction on a single-session database (the embedded PGlite) and the request would hang.
   * Returns the bundle it verified (undefined when it read none: a version that is not stored), so a download ships
   * that very bundle without reading the row again (one query less per download, issue 13).
   */
  async assertServable(version: ArtifactVersionEntity, m: EntityManager = this.dataSource.manager): Promise<string | undefined> {
    // Nothing is served from a version still ingesting or failed (the gate refuses it); only stored ones are signed.
    if (version.ingestState !== 'stored') return undefined;
    const { statement, bundle } = await this.verifiedStatement(version, m);
    const problems = checkAgainstStatement(statement, version.files);
    if (problems.length > 0) {
      const list = problems.slice(0, 5).map((p) => `${JSON.stringify(p.path.slice(0, 200))} ${p.reason}`).join(', ');
      throw refusal(`version ${version.version} does not match its signed manifest (${list}); refusing to serve it`);
    }
    return bundle;
  }

  private async verifiedStatement(version: ArtifactVersionEntity, m: EntityManager): Promise<{ statement: OmsStatement; bundle: string }> {
    const row = await m.getRepository(ArtifactSignatureEntity).findOneBy({ artifactId: version.artifactId, version: version.version });
    if (row === null) throw refusal(`version ${version.version} has no registry signature; refusing to serve it`);
    const key = await this.keys.trusted(row.keyId, m);
    try {
      return { statement: verifyBundle(JSON.parse(row.bundle), (id) => (id === row.keyId ? key : undefined)).statement, bundle: row.bundle };
    } catch (error) {
      if (error instanceof BundleError || error instanceof SyntaxError) throw refusal(`the signature of version ${version.version} is invalid: ${error.message}`);
      throw error;
    }
  }
}

/** 409 with a reason, so the refusal is recorded in the security log like the other download gates. */
function refusal(message: string): ClientError {
  return new ClientError(409, message, {}, { integrity: 'failed' }, 'refused');
}
