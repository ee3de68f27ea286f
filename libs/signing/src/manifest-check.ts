import type { OmsStatement, SignedFile } from './oms-statement';

export interface ManifestProblem {
  path: string;
  reason: 'modified' | 'missing' | 'unexpected';
  detail: string;
}

/**
 * Compares files actually present (path → SHA-256) with a verified statement: every signed file present with its
 * digest, nothing extra except the signed ignore_paths. Problems are sorted by path so output is stable.
 */
export function checkAgainstStatement(statement: OmsStatement, actual: readonly SignedFile[]): ManifestProblem[] {
  const ignored = new Set(statement.predicate.serialization.ignore_paths);
  const signed = new Map(statement.predicate.resources.map((r) => [r.name, r.digest]));
  const problems: ManifestProblem[] = [];
  const seen = new Set<string>();
  for (const f of actual) {
    seen.add(f.path);
    const want = signed.get(f.path);
    if (want === undefined) {
      if (!ignored.has(f.path)) problems.push({ path: f.path, reason: 'unexpected', detail: 'file is not in the signed manifest' });
    } else if (want !== f.sha256) {
      problems.push({ path: f.path, reason: 'modified', detail: `sha256 ${f.sha256} but signed ${want}` });
    }
  }
  for (const name of signed.keys()) {
    if (!seen.has(name)) problems.push({ path: name, reason: 'missing', detail: 'signed file is absent' });
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
