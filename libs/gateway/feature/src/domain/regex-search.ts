import { RE2 } from 're2-wasm';
import { ClientError } from './client-error';

export const MAX_REGEX_LENGTH = 1024;

/**
 * Compiles a client regex with RE2 (linear-time: no catastrophic backtracking, so `(a+)+$` is harmless).
 * Syntax RE2 cannot run in linear time (backreferences, lookaround) is refused with a 400 rather than falling back
 * to a backtracking engine.
 */
export function compileSearchRegex(raw: unknown): RE2 {
  if (typeof raw !== 'string' || raw.length === 0) throw new ClientError(400, 'regex must be a non-empty string');
  if (raw.length > MAX_REGEX_LENGTH) throw new ClientError(400, `regex must be at most ${MAX_REGEX_LENGTH} characters`);
  try {
    return new RE2(raw, 'u');
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : 'invalid pattern';
    throw new ClientError(
      400,
      `regex is invalid or uses syntax unsupported by the linear-time RE2 engine (e.g. backreferences, lookaround): ${detail}`,
    );
  }
}

export interface SearchCandidate {
  name: string;
  readme: string | null;
}

/**
 * Returns the candidates whose name or README contains a match. Checks a wall-clock budget between candidates so a
 * huge registry cannot pin the event loop; RE2 bounds the cost of each single test to linear in the text size.
 */
export function filterByRegex<T extends SearchCandidate>(regex: RE2, candidates: readonly T[], budgetMs: number): T[] {
  const deadline = Date.now() + budgetMs;
  const hits: T[] = [];
  for (const candidate of candidates) {
    if (Date.now() > deadline) throw new ClientError(400, 'regex search exceeded its time budget; use a more specific pattern');
    if (regex.test(candidate.name) || (candidate.readme !== null && regex.test(candidate.readme))) hits.push(candidate);
  }
  return hits;
}
