import type { ManifestEntry } from '@modelguard/contracts';
import { isPackagePart, MAX_GLOB_LENGTH, PACKAGE_PARTS, selectParts } from '@modelguard/packages';
import { ClientError } from '../domain/client-error';


/** Parses ?part= and ?glob= and returns the selected files plus a label for the download history. */
export function selectPackageFiles(files: readonly ManifestEntry[], rawPart: unknown, rawGlob: unknown): { label: string; files: ManifestEntry[] } {
  const part = rawPart === undefined || rawPart === '' ? 'full' : rawPart;
  if (typeof part !== 'string' || !isPackagePart(part)) throw new ClientError(400, `part must be one of ${PACKAGE_PARTS.join(', ')}`);
  let glob: string | undefined;
  if (rawGlob !== undefined && rawGlob !== '') {
    if (typeof rawGlob !== 'string' || rawGlob.length > MAX_GLOB_LENGTH) throw new ClientError(400, `glob must be a single string of at most ${MAX_GLOB_LENGTH} characters`);
    glob = rawGlob;
  }
  let selected: ManifestEntry[];
  try {
    selected = selectParts(files, part, glob);
  } catch (error: unknown) {
    throw new ClientError(400, `glob is not a valid pattern: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  return { label: glob === undefined ? part : `${part};glob=${glob}`, files: selected };
}
