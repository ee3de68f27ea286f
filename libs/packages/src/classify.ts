import { classifyPath, type FileKind, type ManifestEntry } from '@modelguard/domain';
import { compileGlob } from './glob';

export type PackagePart = 'full' | Exclude<FileKind, 'other'>;
export const PACKAGE_PARTS: readonly PackagePart[] = ['full', 'weights', 'config', 'docs', 'code', 'datasets'];

// The file kinds are domain vocabulary (scoring and lineage read them too); re-exported for existing callers.
export { classifyPath, type FileKind };

export function isPackagePart(value: string): value is PackagePart {
  return (PACKAGE_PARTS as readonly string[]).includes(value);
}

/**
 * The files of a package part, optionally narrowed by a glob (compileGlob: linear time whatever the pattern; dotfiles match `**`).
 * Bash-style extglobs are not supported: the pattern comes from users and must stay a plain glob.
 */
export function selectParts(manifest: readonly ManifestEntry[], part: PackagePart, glob?: string): ManifestEntry[] {
  const byPart = part === 'full' ? [...manifest] : manifest.filter((e) => classifyPath(e.path) === part);
  if (glob == null || glob === '') return byPart;
  const matches = compileGlob(glob);
  return byPart.filter((e) => matches(e.path));
}
