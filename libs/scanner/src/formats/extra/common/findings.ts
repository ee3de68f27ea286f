import type { Finding, ScanInput, Severity } from '../../../core/types';

/** Thrown by the extra parsers for malformed input; turned into a `<format>.unscannable` finding. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * Wraps an error thrown by `ScanContext.checkBudget()` so the scanner's catch-all can let the engine's own
 * budget error through untouched (the engine owns the "resource limit" verdict), while every other failure
 * becomes an unscannable finding.
 */
export class BudgetSignal extends Error {
  constructor(readonly original: unknown) {
    super('scan budget exhausted');
    this.name = 'BudgetSignal';
  }
}

export function finding(
  input: ScanInput,
  ruleId: string,
  severity: Severity,
  message: string,
  extra: { offset?: number; position?: number; details?: Record<string, unknown>; unscannable?: boolean } = {},
): Finding {
  const location: Finding['location'] = { file: input.path };
  if (extra.offset !== undefined) location.offset = extra.offset;
  if (extra.position !== undefined) location.position = extra.position;
  const out: Finding = { ruleId, severity, message, location };
  if (extra.details) out.details = extra.details;
  // "Could not read" (not "found a threat"): the engine turns these into an `unscannable` verdict.
  if (extra.unscannable) out.unscannable = true;
  return out;
}

/** The fail-closed finding: a file we could not fully parse is never reported clean. */
export function unscannable(input: ScanInput, format: string, err: unknown): Finding {
  const reason = err instanceof Error ? err.message : String(err);
  const offset = err instanceof FormatError ? err.offset : undefined;
  return finding(input, `${format}.unscannable`, 'ERROR', `${format} file could not be parsed safely: ${reason}`, {
    offset,
    unscannable: true,
  });
}

/**
 * Runs a scanner body and converts any failure into findings. Findings produced before the failure are
 * kept (a payload seen before a parse error must still count). Budget errors are rethrown.
 */
export async function guardedScan(
  input: ScanInput,
  format: string,
  body: (sink: Finding[]) => Promise<void>,
): Promise<Finding[]> {
  const sink: Finding[] = [];
  try {
    await body(sink);
  } catch (err: unknown) {
    if (err instanceof BudgetSignal) throw err.original;
    sink.push(unscannable(input, format, err));
  }
  return sink;
}

/** `ctx.checkBudget` wrapped so its error is recognisable through nested try/catch blocks. */
export function budgetOf(check: () => void): () => void {
  return () => {
    try {
      check();
    } catch (err: unknown) {
      throw new BudgetSignal(err);
    }
  };
}
