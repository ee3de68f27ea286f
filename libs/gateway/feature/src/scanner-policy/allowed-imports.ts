import { SCANNER_IMPORT_MAX_LENGTH, SCANNER_POLICY_MAX_IMPORTS, ScannerImportSchema } from '@modelguard/contracts';
import { classifyCallable } from '@modelguard/scanner';
import { ClientError } from '../domain/client-error';

const EXPECTED = 'expected {"allowed_imports": ["module.name", ...]}';

/** Echoed entries are cut short: a refusal names what it refused without echoing a whole hostile body. */
const shown = (entry: string): string => JSON.stringify(entry.length > 80 ? `${entry.slice(0, 80)}…` : entry);

const badRequest = (message: string, entry?: string): ClientError =>
  new ClientError(400, message, { 'X-Error-Code': 'scanner_policy_invalid' }, entry === undefined ? {} : { entry: entry.slice(0, SCANNER_IMPORT_MAX_LENGTH) });

/**
 * Why the scanner would treat `entry` as dangerous, or undefined. A pickle GLOBAL splits into a module and a
 * qualified name at any dot (`a.b.C` is module `a.b` + `C`, or module `a` + attribute path `b.C`), and the scanner
 * compares the joined `module.name` with the allow-list, so every split is judged: an entry is refused when the
 * scanner's own classifier calls any reading of it dangerous (os.system, builtins.eval, subprocess.*, pickle.loads,
 * dunder traversal, …). The classifier never lets the allow-list clear a dangerous import anyway; refusing here tells
 * the admin at once instead of leaving an entry that silently does nothing.
 */
export function dangerOfImport(entry: string): string | undefined {
  const parts = entry.split('.');
  for (let i = 1; i < parts.length; i++) {
    const c = classifyCallable(parts.slice(0, i).join('.'), parts.slice(i).join('.'), {});
    if (c.kind === 'dangerous') return c.reason;
  }
  return undefined;
}

/**
 * The body of PUT /scanner-policy/allowed-imports, validated strictly: exact `module.name` identifiers only
 * (no wildcard can be written, so nothing like `*` or `builtins.*` can allow everything), at most
 * SCANNER_POLICY_MAX_IMPORTS entries, none the scanner treats as dangerous. Returns the list sorted and deduplicated.
 * A dangerous entry is refused as hostile input (audited), naming the entry and the scanner's reason.
 */
export function parseAllowedImports(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`body must be a JSON object; ${EXPECTED}`);
  const b = body as Record<string, unknown>;
  const unknownKeys = Object.keys(b).filter((k) => k !== 'allowed_imports');
  if (unknownKeys.length > 0) throw badRequest(`unknown field ${shown(unknownKeys[0])}; ${EXPECTED}`);
  const list = b['allowed_imports'];
  if (!Array.isArray(list)) throw badRequest(`allowed_imports must be an array; ${EXPECTED}`);
  if (list.length > SCANNER_POLICY_MAX_IMPORTS) throw badRequest(`allowed_imports holds ${list.length} entries; at most ${SCANNER_POLICY_MAX_IMPORTS} are accepted`);
  const out = new Set<string>();
  for (const entry of list) {
    if (typeof entry !== 'string') throw badRequest('every allowed_imports entry must be a string "module.name"');
    if (entry.includes('*')) throw badRequest(`allowed_imports entry ${shown(entry)} is a wildcard: only exact module.name callables can be allowed`, entry);
    if (!ScannerImportSchema.safeParse(entry).success) {
      throw badRequest(
        `allowed_imports entry ${shown(entry)} is not an exact module.name of ASCII identifiers joined by dots (at most ${SCANNER_IMPORT_MAX_LENGTH} characters)`,
        entry,
      );
    }
    const danger = dangerOfImport(entry);
    if (danger !== undefined) {
      throw new ClientError(
        400,
        `allowed_imports entry ${shown(entry)} can never be allowed: the scanner treats it as dangerous (${danger})`,
        { 'X-Error-Code': 'scanner_policy_dangerous_import' },
        { entry },
        'hostile-input',
      );
    }
    out.add(entry);
  }
  return [...out].sort();
}
