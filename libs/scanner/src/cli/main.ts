import { promises as fsp } from 'node:fs';
import { delimiter } from 'node:path';
import { defaultScanOptions } from '../core/options';
import { SEVERITY_ORDER, type ScanOptions, type ScanReport } from '../core/types';
import { SCANNER_VERSION } from '../core/version';
import { loadPlugins, PluginError } from '../engine/plugins';
import { scanPaths } from '../engine/scan-api';
import { renderReport } from '../output/render';
import { parseArgs, USAGE, type CliArgs } from './args';
import { progressReporter } from './progress';
import { DirReportCache } from './report-cache';
import { loadRulesFile, UsageError } from './rules-file';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns its exit code (0 clean, 1 findings/unscannable, 2 usage or scan error). */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`modelguard: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    io.stdout.write(`modelguard ${SCANNER_VERSION}\n`);
    return 0;
  }
  try {
    const options = await buildOptions(args, io.env);
    // Load plugins once here so a broken plugin is a usage error, not an unscannable file per worker.
    loadPlugins(options.plugins);
    const report = await scanPaths(args.paths, options, progressReporter(io.stderr, { files: args.paths.length }), args.cache ? new DirReportCache(args.cache) : undefined);
    const text = renderReport(report, args.format, { color: args.format === 'text' && !args.output && io.stdout.isTTY === true });
    if (args.output) await fsp.writeFile(args.output, text);
    else io.stdout.write(text);
    return exitCode(report, args);
  } catch (err) {
    const known = err instanceof UsageError || err instanceof PluginError || (err instanceof Error && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT');
    io.stderr.write(`modelguard: ${known ? '' : 'scan error: '}${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

async function buildOptions(args: CliArgs, env: NodeJS.ProcessEnv): Promise<ScanOptions> {
  const rules = args.rules ? await loadRulesFile(args.rules) : {};
  const { plugins = [], ...ruleConfig } = rules;
  const envPlugins = (env.MODELGUARD_SCANNER_PLUGINS ?? '').split(delimiter).filter(Boolean);
  return defaultScanOptions({
    strict: args.strict,
    rules: ruleConfig,
    plugins: [...plugins, ...envPlugins],
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
    ...(args.maxSize !== undefined ? { maxFileBytes: args.maxSize } : {}),
    ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
  });
}

function exitCode(report: ScanReport, args: CliArgs): number {
  const threshold = SEVERITY_ORDER[args.failOn];
  const failing = report.files.some((f) => f.verdict === 'unscannable' || (args.strict && f.verdict === 'malicious') || f.findings.some((x) => SEVERITY_ORDER[x.severity] >= threshold));
  return failing ? 1 : 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`modelguard: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
