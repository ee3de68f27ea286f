import type { DetectedFormat, FileReport, Finding, FormatScanner, ScanContext, ScanInput, ScanOptions } from '../core/types';
import { computeVerdict } from '../core/verdict';
import { InflateLimitError } from '../io/inflated-input';
import { scannersFor } from './scanner-registry';

/** Thrown by ScanContext.checkBudget when the cooperative deadline has passed. */
export class BudgetExceededError extends Error {}

const FORMATS = new Set<string>([
  'pickle', 'pytorch-zip', 'pytorch-legacy', 'pytorch-tar', 'torchscript', 'numpy', 'numpy-npz', 'joblib', 'keras-h5',
  'keras-v3', 'tf-savedmodel', 'onnx', 'safetensors', 'gguf', 'zip', 'tar', '7z', 'text', 'unknown',
]);

/**
 * Names of model/weights files. An empty one is not a valid model file (issue 13 point 2: not "clean"); an
 * empty README, __init__.py or .gitkeep is still an ordinary (clean) text file.
 */
const MODEL_FILE = /\.(?:pkl|pickle|pt|pth|bin|ckpt|joblib|dill|npy|npz|safetensors|gguf|ggml|onnx|h5|hdf5|keras|pb|tflite|msgpack|mar|model)$/i;

/**
 * Scans one input in the current thread. The deadline here is cooperative (parsers call checkBudget); the
 * hard limit is the worker pool that runs this function and terminates it (see scan-pool.ts).
 */
export async function scanInputInProcess(input: ScanInput, options: ScanOptions): Promise<FileReport> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const scanners = scannersFor(options);
  let topFormat: DetectedFormat = 'unknown';
  const checkBudget = (): void => {
    if (Date.now() > deadline) throw new BudgetExceededError(`scan exceeded its ${options.timeoutMs} ms budget`);
  };

  const scanAt = async (inp: ScanInput, depth: number, setTop: boolean): Promise<Finding[]> => {
    if (depth > options.maxDepth) {
      return [{ ruleId: 'scan.max-depth', severity: 'ERROR', message: `nesting deeper than ${options.maxDepth} levels`, location: { file: inp.path }, unscannable: true }];
    }
    checkBudget();
    if (inp.size === 0 && MODEL_FILE.test(inp.path)) {
      if (setTop) topFormat = 'unknown';
      return [{ ruleId: 'format.not-a-model', severity: 'ERROR', message: 'not a valid model file: the file is empty', location: { file: inp.path }, unscannable: true }];
    }
    const head = await inp.read(0, 4096);
    const scanner = await pick(scanners, head, inp);
    if (!scanner) {
      if (setTop) topFormat = 'unknown';
      return [{ ruleId: 'format.unrecognized', severity: 'ERROR', message: 'unrecognised binary format: cannot be verified', location: { file: inp.path }, unscannable: true }];
    }
    if (setTop) topFormat = asFormat(scanner.name);
    const ctx: ScanContext = {
      options,
      depth,
      checkBudget,
      scanNested: (child, d) => scanAt(child, d, false),
      setFormat: (f) => {
        if (setTop) topFormat = f;
      },
    };
    return scanner.scan(inp, ctx);
  };

  let findings: Finding[];
  try {
    findings = await scanAt(input, 0, true);
  } catch (err) {
    findings = [errorFinding(input.path, err)];
  }
  return {
    path: input.path,
    size: input.size,
    format: topFormat,
    verdict: computeVerdict(findings, options.strict),
    findings,
    durationMs: Date.now() - started,
  };
}

async function pick(scanners: FormatScanner[], head: Buffer, input: ScanInput): Promise<FormatScanner | undefined> {
  for (const s of scanners) {
    try {
      if (await s.canHandle(head, input)) return s;
    } catch {
      // A sniffer that throws on hostile bytes simply does not claim the file.
    }
  }
  return undefined;
}

function asFormat(name: string): DetectedFormat {
  return FORMATS.has(name) ? (name as DetectedFormat) : 'unknown';
}

export function errorFinding(file: string, err: unknown): Finding {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof BudgetExceededError) return { ruleId: 'budget.timeout', severity: 'ERROR', message, location: { file }, unscannable: true };
  if (err instanceof InflateLimitError) return { ruleId: 'archive.bomb', severity: 'ERROR', message, location: { file }, unscannable: true };
  return { ruleId: 'scan.error', severity: 'ERROR', message: `scanner failed: ${message}`, location: { file }, unscannable: true };
}
