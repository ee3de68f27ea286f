import { BundleError, verifyBundle } from '../bundle';
import { BUNDLE_FILE_NAME } from '../download-names';
import { checkAgainstStatement, type ManifestProblem } from '../manifest-check';
import { keyIdOf, publicKeyFromPem } from '../signing-key';
import { promises as fsp } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { PackageReadError, readPackageFiles, type PackageFile } from './package-files';

export const VERIFY_USAGE = `Usage: modelguard verify <package.zip|dir> --key <public-key.pem> [--format text|json]

Checks a downloaded package offline against the registry's signature (model.sig, a Sigstore bundle holding an
OpenSSF model-signing in-toto statement): the signature with the given public key (GET /signing-keys), then every
file's SHA-256, and that no signed file is missing and no other file was added.

Exit codes: 0 valid, 1 tampered or unsigned (the reason and the files are printed), 2 usage error.
`;

/** Bad arguments, an unreadable key or path: exit 2. Relative imports only: the CLI runs from plain tsc output. */
class UsageError extends Error {}

interface VerifyArgs {
  target: string;
  key: string;
  format: 'text' | 'json';
}

export interface VerifyResult {
  valid: boolean;
  keyId?: string;
  files?: number;
  error?: string;
  problems: ManifestProblem[];
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const rest = [...argv];
  const positional: string[] = [];
  let key: string | undefined;
  let format: 'text' | 'json' = 'text';
  while (rest.length > 0) {
    const arg = rest.shift() ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const val = (): string => {
      const v = inline ?? rest.shift();
      if (v === undefined || v.length === 0) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--key') key = val();
    else if (flag === '--format') {
      const f = val();
      if (f !== 'text' && f !== 'json') throw new UsageError('--format must be text or json');
      format = f;
    } else if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('verify needs exactly one package (a .zip or a directory)');
  if (key === undefined) throw new UsageError('verify needs --key <public-key.pem>');
  return { target: positional[0] as string, key, format };
}

async function loadKey(path: string): Promise<KeyObject> {
  try {
    return publicKeyFromPem(await fsp.readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--key ${path}: ${(error as Error).message}`);
  }
}

/** The registry names its bundle model.sig, suffixed with `.modelguard` past package files of that name: the longest wins. */
const BUNDLE_NAME = new RegExp(`^${BUNDLE_FILE_NAME.replace('.', '\\.')}(\\.modelguard)*$`);

export function verifyFiles(files: readonly PackageFile[], key: KeyObject): VerifyResult {
  const bundleFile = files.filter((f) => BUNDLE_NAME.test(f.path)).sort((a, b) => b.path.length - a.path.length)[0];
  if (bundleFile?.content === undefined) return { valid: false, error: `unsigned: the package holds no ${BUNDLE_FILE_NAME}`, problems: [] };
  const keyId = keyIdOf(key);
  let statement;
  try {
    statement = verifyBundle(JSON.parse(bundleFile.content.toString('utf8')), (id) => (id === keyId ? key : undefined)).statement;
  } catch (error) {
    if (error instanceof BundleError || error instanceof SyntaxError) return { valid: false, error: `${bundleFile.path}: ${error.message}`, problems: [] };
    throw error;
  }
  const problems = checkAgainstStatement(statement, files);
  // A bundle file the statement does not reserve in ignore_paths is reported as unexpected like any extra file.
  const signedFiles = statement.predicate.resources.length;
  return problems.length === 0 ? { valid: true, keyId, files: signedFiles, problems } : { valid: false, keyId, files: signedFiles, error: `${problems.length} file(s) do not match the signed manifest`, problems };
}

/** `modelguard verify`: 0 valid, 1 tampered or unsigned, 2 usage (bad arguments, unreadable key or path). */
export async function runVerify(argv: readonly string[], io: Io): Promise<number> {
  let args: VerifyArgs;
  let key: KeyObject;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(VERIFY_USAGE);
      return 0;
    }
    args = parseVerifyArgs(argv);
    key = await loadKey(args.key);
    await fsp.stat(args.target);
  } catch (error) {
    io.stderr.write(`modelguard verify: ${(error as Error).message}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  let result: VerifyResult;
  try {
    result = verifyFiles(await readPackageFiles(args.target, (name) => BUNDLE_NAME.test(name)), key);
  } catch (error) {
    if (!(error instanceof PackageReadError)) throw error;
    result = { valid: false, error: error.message, problems: [] };
  }
  io.stdout.write(args.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderText(args.target, result));
  return result.valid ? 0 : 1;
}

function renderText(target: string, r: VerifyResult): string {
  if (r.valid) return `OK ${target}: ${r.files} files match the manifest signed by key ${r.keyId}\n`;
  const lines = r.problems.map((p) => `  ${p.reason.padEnd(10)} ${p.path}: ${p.detail}\n`);
  return `FAILED ${target}: ${r.error}\n${lines.join('')}`;
}
