import picomatch from 'picomatch';
import { classifyPath, type FileKind, type ManifestEntry } from '@modelguard/domain';

export type PackagePart = 'full' | Exclude<FileKind, 'other'>;
export const PACKAGE_PARTS: readonly PackagePart[] = ['full', 'weights', 'config', 'docs', 'code', 'datasets'];

// The file kinds are domain vocabulary (scoring and lineage read them too); re-exported for existing callers.
export { classifyPath, type FileKind };

export function isPackagePart(value: string): value is PackagePart {
  return (PACKAGE_PARTS as readonly string[]).includes(value);
}

/**
 * The files of a package part, optionally narrowed by a glob (picomatch, `dot: true` so `.gitattributes` matches `**`).
 * Bash-style extglobs are disabled: the pattern comes from users and must stay a plain glob.
 */
export function selectParts(manifest: readonly ManifestEntry[], part: PackagePart, glob?: string): ManifestEntry[] {
  const byPart = part === 'full' ? [...manifest] : manifest.filter((e) => classifyPath(e.path) === part);
  if (glob == null || glob === '') return byPart;
  if (glob.length > 512) throw new RangeError('glob pattern is too long');
  const matches = picomatch(glob, { dot: true, noextglob: true });
  return byPart.filter((e) => matches(e.path));
}
