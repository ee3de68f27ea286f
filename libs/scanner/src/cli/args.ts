import { parseByteSize } from '../core/options';
import type { Severity } from '../core/types';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/render';
import { UsageError } from './rules-file';

export interface CliArgs {
  command: 'scan' | 'help' | 'version';
  paths: string[];
  format: OutputFormat;
  output?: string;
  failOn: Severity;
  strict: boolean;
  rules?: string;
  timeoutMs?: number;
  maxSize?: number;
  cache?: string;
  concurrency?: number;
}

export const USAGE = `Usage: modelguard scan <path...> [options]
       modelguard verify <package.zip|dir> --key <public-key.pem> [--format text|json]   (modelguard verify --help)

Scans model files (pickle, PyTorch zip/legacy/tar/TorchScript, NumPy, joblib, zip/tar archives, and the
formats of installed scanners) for code-execution payloads. Formats are detected by content.

Options:
  --format <text|json|sarif|html>  output format (default: text)
  --output <file>                  write the report to a file instead of stdout
  --fail-on <severity>             INFO|WARNING|ERROR|CRITICAL: exit 1 at or above it (default: ERROR)
  --strict                         unknown imports count as errors; suspicious becomes malicious
  --rules <file>                   JSON/YAML with allowCallables, denyCallables, blockNames, allowNames, plugins
  --timeout <ms>                   per-file wall-clock budget (default: 30000)
  --max-size <bytes|10GB>          larger files are unscannable (default: 10GiB)
  --cache <dir>                    reuse results keyed by SHA-256 of the content and the options
  --concurrency <n>                files scanned in parallel (default: 2)
  --version                        print the version
  --help                           print this help

Exit codes: 0 clean, 1 findings at or above --fail-on or unscannable files, 2 usage or scan error.
Plugins: FormatScanner modules listed in the rules file or in MODELGUARD_SCANNER_PLUGINS (path-separated).
`;

const SEVERITIES: readonly Severity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { command: 'scan', paths: [], format: 'text', failOn: 'ERROR', strict: false };
  const rest = [...argv];
  if (rest.includes('--help') || rest.includes('-h')) return { ...a, command: 'help' };
  if (rest.includes('--version') || rest.includes('-V')) return { ...a, command: 'version' };
  const cmd = rest.shift();
  if (cmd !== 'scan') throw new UsageError(cmd ? `unknown command "${cmd}"` : 'missing command');
  const value = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const positiveInt = (flag: string, v: string, max: number): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > max) throw new UsageError(`${flag} must be an integer between 1 and ${max}`);
    return n;
  };
  while (rest.length > 0) {
    const arg = rest.shift() ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const val = (): string => inline ?? value(flag);
    switch (flag) {
      case '--format': {
        const f = val();
        if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
        a.format = f as OutputFormat;
        break;
      }
      case '--output': a.output = val(); break;
      case '--fail-on': {
        const s = val().toUpperCase();
        if (!(SEVERITIES as readonly string[]).includes(s)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
        a.failOn = s as Severity;
        break;
      }
      case '--strict': a.strict = true; break;
      case '--rules': a.rules = val(); break;
      case '--timeout': a.timeoutMs = positiveInt(flag, val(), 24 * 3600 * 1000); break;
      case '--max-size': {
        const v = val();
        const n = parseByteSize(v);
        if (n === undefined) throw new UsageError(`--max-size: cannot parse "${v}" (examples: 1048576, 500MB, 10GB)`);
        a.maxSize = n;
        break;
      }
      case '--cache': a.cache = val(); break;
      case '--concurrency': a.concurrency = positiveInt(flag, val(), 64); break;
      default:
        if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option ${flag}`);
        a.paths.push(arg);
    }
  }
  if (a.paths.length === 0) throw new UsageError('scan needs at least one path');
  return a;
}
