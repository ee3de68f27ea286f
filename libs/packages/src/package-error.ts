/**
 * Every way a package can be refused. Callers map these to 4xx responses or IngestFailed events,
 * so each code is stable and each message says what was wrong without echoing huge inputs.
 */
export type PackageErrorCode =
  | 'CORRUPT_ZIP'
  | 'TOO_MANY_ENTRIES'
  | 'TOO_LARGE'
  | 'RATIO_EXCEEDED'
  | 'SIZE_MISMATCH'
  | 'OVERLAPPING_ENTRIES'
  | 'ABSOLUTE_PATH'
  | 'PATH_TRAVERSAL'
  | 'BACKSLASH_IN_PATH'
  | 'DRIVE_LETTER'
  | 'CONTROL_CHARACTER'
  | 'INVALID_NAME'
  | 'DUPLICATE_ENTRY'
  | 'SYMLINK_ENTRY'
  | 'SPECIAL_FILE_ENTRY'
  | 'ENCRYPTED_ENTRY'
  | 'UNSUPPORTED_COMPRESSION'
  | 'RANGE_NOT_SATISFIABLE';

export class PackageError extends Error {
  override readonly name = 'PackageError';

  constructor(
    readonly code: PackageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPackageError(error: unknown): error is PackageError {
  return error instanceof PackageError;
}

/** Entry names are attacker-controlled: cap and escape them before they go into messages and logs. */
export function describeName(name: string): string {
  const shown = name.length > 120 ? `${name.slice(0, 120)}…` : name;
  return JSON.stringify(shown);
}
