import { PackageError, describeName } from './package-error';

// Unix file type bits live in the high 16 bits of the external attributes when the entry was made on Unix.
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;

/**
 * Validates an archive entry name and returns the normalised relative path.
 * We reject rather than "fix" suspicious names: normalising `a/../../x` is exactly how zip-slip fixes get bypassed.
 */
export function validateEntryName(raw: string): string {
  if (raw.length === 0) throw new PackageError('INVALID_NAME', 'archive entry has an empty name');
  if (Buffer.byteLength(raw, 'utf8') > 4096) throw new PackageError('INVALID_NAME', 'archive entry name is too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw new PackageError('CONTROL_CHARACTER', `entry name contains control characters: ${describeName(raw)}`);
  }
  if (raw.includes('\\')) {
    throw new PackageError('BACKSLASH_IN_PATH', `entry name contains a backslash: ${describeName(raw)}`);
  }
  if (/^[A-Za-z]:/.test(raw)) throw new PackageError('DRIVE_LETTER', `entry name has a drive letter: ${describeName(raw)}`);
  if (raw.startsWith('/')) throw new PackageError('ABSOLUTE_PATH', `entry name is absolute: ${describeName(raw)}`);
  const segments = raw.split('/');
  if (segments.some((s) => s === '..')) {
    throw new PackageError('PATH_TRAVERSAL', `entry name escapes the archive root: ${describeName(raw)}`);
  }
  // Drop `.` segments and the trailing slash of directories; empty inner segments (`a//b`) are ambiguous.
  const isDir = raw.endsWith('/');
  const kept = segments.filter((s, i) => !(s === '.' || (isDir && i === segments.length - 1 && s === '')));
  if (kept.length === 0 || kept.some((s) => s === '')) {
    throw new PackageError('INVALID_NAME', `entry name is not a clean relative path: ${describeName(raw)}`);
  }
  return kept.join('/') + (isDir ? '/' : '');
}

/** Refuses symlinks, devices, FIFOs and sockets: only regular files and directories may come out of a package. */
export function validateEntryMode(name: string, versionMadeBy: number, externalAttributes: number): void {
  if (versionMadeBy >> 8 !== MADE_BY_UNIX) return;
  const mode = (externalAttributes >>> 16) & 0xffff;
  const type = mode & S_IFMT;
  if (type === 0 || type === S_IFREG || type === S_IFDIR) return;
  if (type === S_IFLNK) throw new PackageError('SYMLINK_ENTRY', `symlink entries are not allowed: ${describeName(name)}`);
  throw new PackageError('SPECIAL_FILE_ENTRY', `special file entries are not allowed: ${describeName(name)}`);
}
