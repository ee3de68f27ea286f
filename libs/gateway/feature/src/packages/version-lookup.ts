import { parseReleaseVersion } from '@modelguard/domain';
import { type EntityManager, In } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { nextAssignedVersion, pickExactVersion } from '../domain/version-query';
import { ArtifactVersionEntity } from '../persistence/artifact-version.entity';

/** Both spellings a user may write (`v1.2.0`, `1.2.0`); rows store the canonical one. */
function spellings(wanted: string): string[] {
  const canonical = parseReleaseVersion(wanted);
  return canonical === null || canonical === wanted ? [wanted] : [wanted, canonical];
}

/** Every key and label is a counter value or semver: anything else names no version (and never reaches SQL). */
const VERSION_NAME = /^[0-9A-Za-z.+-]{1,65}$/;

/** The version of an artifact a user names (label or key; domain/version-query.ts `pickExactVersion`). */
export async function findVersion(m: EntityManager, artifactId: string, wanted: string): Promise<ArtifactVersionEntity | null> {
  if (!VERSION_NAME.test(wanted)) return null;
  const names = In(spellings(wanted));
  const rows = await m.getRepository(ArtifactVersionEntity).find({ where: [{ artifactId, version: names }, { artifactId, versionLabel: names }] });
  return pickExactVersion(rows, wanted);
}

/** Every name the artifact's versions answer to: keys and labels. */
async function takenNames(m: EntityManager, artifactId: string): Promise<Set<string>> {
  const rows = await m.getRepository(ArtifactVersionEntity).find({ select: { version: true, versionLabel: true }, where: { artifactId } });
  return new Set(rows.flatMap((r) => (r.versionLabel === null ? [r.version] : [r.version, r.versionLabel])));
}

/** The counter's key for the version with this ordinal, past any name already taken. */
export async function nextCounterVersion(m: EntityManager, artifactId: string, ordinal: number): Promise<string> {
  return nextAssignedVersion(ordinal, await takenNames(m, artifactId));
}

/** 409 when an upload names a version the artifact already has (as a key or as a source label). */
export async function requireVersionFree(m: EntityManager, artifactId: string, version: string): Promise<void> {
  if ((await takenNames(m, artifactId)).has(version)) throw new ClientError(409, `this artifact already has a version ${version}`);
}
