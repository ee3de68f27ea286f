/**
 * The scanner's public vocabulary. Every format scanner (built in or plugin) implements `FormatScanner`
 * and reports `Finding`s; the engine turns them into a `FileReport` and a verdict.
 */
export type Severity = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export const SEVERITY_ORDER: Record<Severity, number> = { INFO: 0, WARNING: 1, ERROR: 2, CRITICAL: 3 };

export interface FindingLocation {
  /** Path of the file, with `!/inner/path` segments for members of archives. */
  file: string;
  /** Byte offset inside the (innermost) file, when known. */
  offset?: number;
  /** Index of the pickle opcode (or protobuf node, etc.) when that is the clearer position. */
  position?: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One line a person can act on. */
  message: string;
  location: FindingLocation;
  /** Extra structured detail (callable name, layer name, …). */
  details?: Record<string, unknown>;
  /**
   * True when the finding means "we could not read this" (malformed, budget spent, encrypted, unsupported
   * container). Such findings make the verdict `unscannable` unless a real threat was also found.
   */
  unscannable?: boolean;
}

/** `unscannable` blocks, exactly like `malicious`: a file we cannot read is never reported clean. */
export type Verdict = 'clean' | 'suspicious' | 'malicious' | 'unscannable';

export type DetectedFormat =
  | 'pickle'
  | 'pytorch-zip'
  | 'pytorch-legacy'
  | 'pytorch-tar'
  | 'torchscript'
  | 'numpy'
  | 'numpy-npz'
  | 'joblib'
  | 'keras-h5'
  | 'keras-v3'
  | 'tf-savedmodel'
  | 'onnx'
  | 'safetensors'
  | 'gguf'
  | 'zip'
  | 'tar'
  | '7z'
  | 'text'
  | 'unknown';

/** What a format scanner gets: random access to the bytes without loading them all. */
export interface ScanInput {
  /** Display path (with `!/` segments for archive members). */
  path: string;
  size: number;
  /** Read `length` bytes at `offset` (short read at EOF). */
  read(offset: number, length: number): Promise<Buffer>;
  /** Stream of the whole content (or a range), for sequential parsers. */
  stream(start?: number, end?: number): NodeJS.ReadableStream;
}

export interface ScanContext {
  options: ScanOptions;
  /** Scan a nested member (archive entries, nested pickles); depth is tracked by the engine. */
  scanNested(input: ScanInput, depth: number): Promise<Finding[]>;
  depth: number;
  /** Throws when the file's budget is spent; parsers call it in their loops. */
  checkBudget(): void;
  /** Lets a scanner refine the detected format (e.g. a zip that turns out to be a PyTorch checkpoint). */
  setFormat?(format: DetectedFormat): void;
}

export interface FormatScanner {
  readonly name: string;
  /** Decide by content (magic bytes / structure), never by the extension alone. `head` is the first 4 KiB. */
  canHandle(head: Buffer, input: ScanInput): boolean | Promise<boolean>;
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]>;
}

export interface RulesConfig {
  /** Extra callables (`module.name`, `module.*`) considered safe. */
  allowCallables?: string[];
  /** Extra callables considered dangerous. */
  denyCallables?: string[];
  /** Model names or families (globs like `evil-org/*`) that are blocked. */
  blockNames?: string[];
  /** Model names or families that are explicitly allowed. */
  allowNames?: string[];
}

export interface ScanOptions {
  strict: boolean;
  /** Per-file wall-clock budget in ms, enforced from outside the parser. */
  timeoutMs: number;
  /** Maximum file size to scan; larger files are unscannable. */
  maxFileBytes: number;
  /** Pickle opcode budget per 16 MiB of pickle input (granted at least once; see pickle/pickle-stream.ts vmLimits). */
  maxOpcodes: number;
  /** Maximum nesting depth of archives and nested pickles. */
  maxDepth: number;
  rules: RulesConfig;
  /** Extra scanners loaded from config (module paths exporting a FormatScanner). */
  plugins: string[];
  /** Cap on bytes inflated from one archive (zip bombs). Defaults to 4 × maxFileBytes when absent. */
  maxInflatedBytes?: number;
  /** Largest accepted compression ratio of one archive member (declared and actual). */
  maxCompressionRatio?: number;
  /** Maximum number of members in one archive. */
  maxArchiveEntries?: number;
  /**
   * Files scanned in parallel (worker threads) by scanPaths, which starts a pool of its own (default 2). The
   * shared pool of scanFile/scanInput/scanBuffer/scanStream is sized by configureScanPool; there these only
   * assert the size the caller expects.
   */
  concurrency?: number;
  /** Heap limit of each scan worker in MiB (default 512); a worker that exceeds it is killed and the file is unscannable. */
  workerMemoryMb?: number;
}

export interface FileReport {
  path: string;
  size: number;
  sha256?: string;
  format: DetectedFormat;
  verdict: Verdict;
  findings: Finding[];
  durationMs: number;
}

export interface ScanReport {
  tool: { name: 'modelguard-scan'; version: string };
  startedAt: string;
  finishedAt: string;
  files: FileReport[];
  verdict: Verdict;
  summary: Record<Severity, number>;
}
