import { AuditVerificationV1 } from '@modelguard/contracts';
import { OfflineInputError, readEntries, readKeys, verifyExport } from './offline-chain-check';

export const AUDIT_VERIFY_USAGE = `Usage: modelguard audit verify --url <gateway> --token <token> [--timeout-ms <ms>] [--format text|json]
       modelguard audit verify --entries <export.json> --key-file <chain.key> [--key-file <retired.key>...]
                               [--checkpoint <checkpoint.json>] [--format text|json]

Walks the keyed audit chain and names the first broken link.
  Online:  asks the gateway (GET /audit/verify, an admin token as PUT /authenticate returned it), which checks the
           whole chain and its newest signed checkpoint.
  Offline: checks an export of the whole log (the pages of GET /audit/entries: one page, an array, or one page per
           line) with the chain key file(s) (the audit service's <DATA_DIR>/audit-chain.key and any retired keys)
           and, when given, a checkpoint file (<DATA_DIR>/audit-checkpoints/<schema>.json or a copy of the
           audit.checkpoint-published.v1 payload): a truncated or replaced tail is caught only with a checkpoint.

Exit codes: 0 intact, 1 broken (the entry id, event id and reason are printed), 2 usage or the check could not run
(gateway unreachable, token refused, unreadable file).
`;

/** Bad arguments, unreadable inputs, a gateway that does not answer: exit 2 (no verdict). */
class UsageError extends Error {}

type Mode = { kind: 'online'; url: string; token: string; timeoutMs: number } | { kind: 'offline'; entries: string; keyFiles: string[]; checkpoint?: string };

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function parseArgs(argv: readonly string[]): { mode: Mode; format: 'text' | 'json' } {
  const rest = [...argv];
  const opts: Record<string, string[]> = {};
  let format: 'text' | 'json' = 'text';
  const known = ['--url', '--token', '--timeout-ms', '--entries', '--key-file', '--checkpoint', '--format'];
  while (rest.length > 0) {
    const arg = rest.shift() ?? '';
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!known.includes(flag)) throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument ${flag}`);
    const value = inline ?? rest.shift();
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    (opts[flag] ??= []).push(value);
  }
  const one = (flag: string): string | undefined => {
    const values = opts[flag];
    if (values !== undefined && values.length > 1) throw new UsageError(`${flag} may be given once`);
    return values?.[0];
  };
  const f = one('--format');
  if (f !== undefined) {
    if (f !== 'text' && f !== 'json') throw new UsageError('--format must be text or json');
    format = f;
  }
  const url = one('--url');
  const entries = one('--entries');
  if ((url === undefined) === (entries === undefined)) throw new UsageError('give either --url (online) or --entries (offline)');
  if (url !== undefined) {
    const token = one('--token');
    if (token === undefined) throw new UsageError('--url needs --token <admin token>');
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError('--url must be an http(s) URL');
    const timeout = one('--timeout-ms') ?? '120000';
    if (!/^\d{3,7}$/.test(timeout)) throw new UsageError('--timeout-ms must be 100 to 9999999');
    for (const flag of ['--key-file', '--checkpoint']) if (opts[flag] !== undefined) throw new UsageError(`${flag} is for offline checks (--entries)`);
    return { mode: { kind: 'online', url: url.replace(/\/+$/, ''), token, timeoutMs: Number(timeout) }, format };
  }
  const keyFiles = opts['--key-file'] ?? [];
  if (keyFiles.length === 0) throw new UsageError('--entries needs --key-file <chain key file>');
  for (const flag of ['--token', '--timeout-ms']) if (opts[flag] !== undefined) throw new UsageError(`${flag} is for online checks (--url)`);
  return { mode: { kind: 'offline', entries: entries as string, keyFiles, checkpoint: one('--checkpoint') }, format };
}

/** The gateway's verdict; anything but a 200 in the contract's shape is "could not verify" (exit 2), never "intact". */
async function verifyOnline(mode: Extract<Mode, { kind: 'online' }>): Promise<AuditVerificationV1> {
  let res: Response;
  try {
    res = await fetch(`${mode.url}/audit/verify`, { headers: { 'X-Authorization': mode.token }, signal: AbortSignal.timeout(mode.timeoutMs) });
  } catch (error) {
    throw new UsageError(`${mode.url} did not answer: ${(error as Error).message}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new UsageError(`${mode.url}/audit/verify answered ${res.status}: ${text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = AuditVerificationV1.safeParse(body);
  if (!parsed.success) throw new UsageError(`${mode.url}/audit/verify answered something that is not a verification`);
  return parsed.data;
}

/** `modelguard audit verify`: 0 intact, 1 broken, 2 usage / no verdict. */
export async function runAuditVerify(argv: readonly string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(AUDIT_VERIFY_USAGE);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  let verdict: AuditVerificationV1;
  try {
    parsed = parseArgs(argv);
    const { mode } = parsed;
    verdict = mode.kind === 'online' ? await verifyOnline(mode) : verifyExport(readEntries(mode.entries), readKeys(mode.keyFiles), mode.checkpoint);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof OfflineInputError)) throw error;
    io.stderr.write(`modelguard audit verify: ${error.message}\n\n${AUDIT_VERIFY_USAGE}`);
    return 2;
  }
  io.stdout.write(parsed.format === 'json' ? `${JSON.stringify(verdict, null, 2)}\n` : renderText(verdict));
  return verdict.ok ? 0 : 1;
}

/** `modelguard audit <command>`: only `verify` so far. */
export async function runAuditCli(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'verify') return runAuditVerify(argv.slice(1), io);
  io.stderr.write(`modelguard audit: unknown command ${argv[0] ?? '(none)'}\n\n${AUDIT_VERIFY_USAGE}`);
  return 2;
}

function renderText(v: AuditVerificationV1): string {
  const cp = v.checkpoint === null ? 'no checkpoint' : `checkpoint of ${v.checkpoint.takenAt} (${v.checkpoint.entries} entries)`;
  if (v.ok) return `OK audit chain intact: ${v.entries} entries verified, ${cp}\n`;
  const where = v.entryId === undefined ? '' : ` at entry ${v.entryId}${v.brokenAt === undefined ? '' : ` (event ${v.brokenAt})`}`;
  return `BROKEN audit chain${where}: ${v.problem ?? 'does not verify'} (${v.entries} entries walked, ${cp})\n`;
}
