/**
 * Why an ONNX `external_data` location would escape the model folder (CVE-2022-25882, CVE-2024-27318), or
 * undefined when it is a plain relative path. We reject rather than normalise: `a/../b` is legal for the
 * OS but is exactly the shape the historical bypasses used.
 */
export function externalPathProblem(location: string): string | undefined {
  if (location.length === 0) return 'empty location';
  if (location.includes('\0')) return 'contains a NUL byte';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) return 'is a URL or drive-qualified path';
  if (location.startsWith('/') || location.startsWith('\\')) return 'is an absolute path';
  if (location.startsWith('~')) return 'refers to a home directory';
  const segments = location.split(/[\\/]+/);
  if (segments.some((s) => s === '..')) return 'contains a ".." segment';
  if (segments.some((s) => /^\.{3,}$/.test(s.trim()) || s.trim() === '..')) return 'contains a dot-only segment';
  return undefined;
}
