import type { Finding, ScanContext, ScanInput } from '../core/types';
import { ByteReader, TruncatedError } from '../io/byte-reader';
import { bufferInput, sliceInput } from '../io/inputs';
import { PickleAnalyzer, type NestedCandidate } from './pickle-analyzer';
import { EmptyPickleError, OpcodeBudgetError, PickleError, runPickle, type VmHooks, type VmLimits } from './pickle-vm';

export interface PickleStreamOptions {
  /** Byte offset of the first pickle. */
  start?: number;
  /** Stop after this many pickles (legacy torch: 5, then raw storage bytes follow). */
  maxStreams?: number;
}

export interface PickleStreamResult {
  findings: Finding[];
  streams: number;
  /** The stream imported joblib's array wrapper (a joblib dump). */
  joblib: boolean;
  /** Offset just past the last complete pickle. */
  end: number;
}

/**
 * Longest string decoded into memory. Module and attribute names are short; a longer str becomes a placeholder
 * locating its bytes in the input (STACK_GLOBAL on it fails closed, a loader argument is still scanned as a
 * nested pickle from the input), so values on the stack and in containers never hold large payloads.
 */
const TEXT_LIMIT = 4096;
/** `maxOpcodes` is granted per this many bytes of pickle input (at least once). */
export const OPCODE_BUDGET_BYTES = 16 << 20;

/**
 * The opcode and memo budgets scale with the size of the input: `maxOpcodes` per 16 MiB (10 M by default,
 * ~0.6 opcodes per byte, while benign pickles spend 3+ bytes per opcode). A multi-GB benign pickle is thus
 * scannable by default, while a small input that runs far more opcodes than its size allows is not.
 */
export function vmLimits(ctx: ScanContext, inputBytes = 0): VmLimits {
  const units = Math.max(1, Math.ceil(inputBytes / OPCODE_BUDGET_BYTES));
  const maxOpcodes = ctx.options.maxOpcodes * units;
  return { maxOpcodes, maxMemo: Math.max(1_000_000, maxOpcodes), maxInlineString: TEXT_LIMIT };
}

/**
 * Scans every pickle in `input` from `start` until EOF (multiple concatenated pickles are how legacy torch and
 * joblib files, and "benign first, payload second" attacks, look). Findings made before a parse
 * error always stand; the error itself becomes an unscannable `pickle.malformed`.
 */
export async function scanPickleStream(input: ScanInput, ctx: ScanContext, opts: PickleStreamOptions = {}): Promise<PickleStreamResult> {
  const reader = new ByteReader(input, opts.start ?? 0);
  const analyzer = new PickleAnalyzer(input.path, ctx.options, () => ctx.checkBudget());
  const max = opts.maxStreams ?? Number.MAX_SAFE_INTEGER;
  let streams = 0;
  let end = reader.pos;
  const extra: Finding[] = [];
  const limits = vmLimits(ctx, input.size - reader.pos);
  while (streams < max) {
    // Awaits (here and for nested candidates) only when there is something to wait for: a stream of 400 k tiny
    // pickles paid two promise round trips per pickle.
    if (!reader.has(1)) await reader.fill(1);
    if (!reader.has(1)) break;
    if (streams > 0 && !PICKLE_START.has(reader.peek())) {
      extra.push(trailing(input.path, reader.pos));
      break;
    }
    const startedAt = reader.pos;
    try {
      await runPickle(reader, analyzer, limits);
    } catch (err) {
      if (err instanceof EmptyPickleError && streams === 0) {
        // Issue 13 point 2: nothing a loader could return is not "clean", it is not a model file at all.
        analyzer.add('format.not-a-model', 'ERROR', `not a valid model file: ${err.message}`, { offset: err.offset, index: -1 }, undefined, true);
      } else if (err instanceof OpcodeBudgetError) {
        analyzer.add('pickle.opcode-budget', 'ERROR', `pickle scan stopped: ${err.message}`, { offset: err.offset, index: -1 }, undefined, true);
      } else if (err instanceof PickleError || err instanceof TruncatedError) {
        const offset = err instanceof PickleError ? err.offset : reader.pos;
        if (streams > 0 && analyzer.findings.length === 0 && offset === startedAt) extra.push(trailing(input.path, startedAt));
        else analyzer.add('pickle.malformed', 'ERROR', `malformed pickle: ${err.message}`, { offset, index: -1 }, undefined, true);
      } else throw err;
      break;
    } finally {
      if (analyzer.nested.length > 0) await scanNestedCandidates(input, ctx, analyzer);
    }
    streams++;
    end = reader.pos;
  }
  return { findings: [...analyzer.findings, ...extra], streams, joblib: analyzer.sawJoblib, end };
}

function trailing(file: string, offset: number): Finding {
  return { ruleId: 'pickle.trailing-data', severity: 'INFO', message: 'data after the last pickle is not a pickle (ignored by loaders)', location: { file, offset } };
}

async function scanNestedCandidates(input: ScanInput, ctx: ScanContext, analyzer: PickleAnalyzer): Promise<void> {
  const batch = analyzer.nested.splice(0);
  for (const c of batch) {
    const sub = candidateInput(input, c);
    const head = await sub.read(0, 2);
    const picklish = head.length === 2 && head[0] === 0x80 && head[1] <= 5;
    if (!c.viaLoader && !picklish) continue;
    const nested = await ctx.scanNested(sub, ctx.depth + 1);
    // Bytes that merely look like a pickle may be tensor data: their parse errors are dropped, but hitting the
    // depth limit is kept so a payload cannot hide below maxDepth.
    const kept = c.viaLoader ? nested : nested.filter((f) => !f.unscannable || f.ruleId === 'scan.max-depth');
    const serious = kept.some((f) => f.severity === 'ERROR' || f.severity === 'CRITICAL');
    if (c.viaLoader || serious) {
      analyzer.add(
        'pickle.nested-pickle',
        c.viaLoader ? 'CRITICAL' : 'ERROR',
        c.viaLoader ? 'bytes handed to a deserializer inside the pickle (nested payload)' : 'embedded pickle with dangerous content',
        c.at,
        { length: c.value.len },
      );
    }
    analyzer.findings.push(...kept);
  }
}

function candidateInput(input: ScanInput, c: NestedCandidate): ScanInput {
  const label = `${input.path}!/@${c.at.offset}`;
  return c.value.data ? bufferInput(c.value.data, label) : sliceInput(input, c.value.off, c.value.len, label);
}

/** Opcodes a pickle can start with. PROTO for protocol 2+, the rest for text protocols 0/1. */
const PICKLE_START = new Set([0x80, ...Buffer.from('(]})cIJKLMNFGSTUVXBCPiGl')]);

/** Lightweight "is this a pickle" test on the head of a file, for protocol 0/1 pickles without PROTO. */
export async function sniffPickle(head: Buffer): Promise<boolean> {
  if (head.length >= 2 && head[0] === 0x80) return head[1] <= 5;
  // A lone STOP is a zero-opcode pickle (reported as not a model file), not a one-character text file.
  if (head.length === 1 && head[0] === 0x2e) return true;
  if (head.length === 0 || !PICKLE_START.has(head[0])) return false;
  let ops = 0;
  const hooks: VmHooks = {
    onImport: (m, n) => {
      if (!/^[\w.]+$/.test(m) || !/^[\w.]+$/.test(n)) throw new PickleError('not a name', 0);
    },
    onUnresolvedGlobal: () => undefined,
    onCall: () => undefined,
    onBuild: () => undefined,
    onExtension: () => undefined,
    onFrameMismatch: () => undefined,
    onMemoMiss: () => undefined,
    onExhaustion: () => undefined,
    onDifferential: () => undefined,
    checkBudget: () => undefined,
  };
  const reader = new ByteReader(bufferInput(head, 'sniff'));
  try {
    await runPickle(reader, { ...hooks, checkBudget: () => ops++ }, { maxOpcodes: 1 << 16, maxMemo: 1 << 16, maxInlineString: 1 << 16 });
    return true;
  } catch (err) {
    // Running off the end of the 4 KiB head is fine: the file is longer than the head.
    return err instanceof TruncatedError || (err instanceof PickleError && err.offset >= head.length - 1) || (err instanceof PickleError && /ends without STOP|runs past the end|truncated|unterminated/.test(err.message) && reader.pos >= Math.min(head.length, 64));
  }
}
