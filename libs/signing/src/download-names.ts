/** Where a full download carries the registry's bundle (model-signing's default signature file name). */
export const BUNDLE_FILE_NAME = 'model.sig';
const SUMS_FILE_NAME = 'SHA256SUMS';

/** `wanted`, suffixed with `.modelguard` until no package file has that name: added files never shadow the package's. */
export function reserveName(taken: ReadonlySet<string>, wanted: string): string {
  let name = wanted;
  while (taken.has(name)) name = `${name}.modelguard`;
  return name;
}

/**
 * The names a full download adds beside the package's files: the checksum file, then the bundle. Signed as the
 * statement's ignore_paths, so they are fixed when the version is stored and an offline verifier skips exactly these.
 */
export function downloadExtrasFor(paths: readonly string[]): { sums: string; bundle: string } {
  const taken = new Set(paths);
  const sums = reserveName(taken, SUMS_FILE_NAME);
  taken.add(sums);
  return { sums, bundle: reserveName(taken, BUNDLE_FILE_NAME) };
}
