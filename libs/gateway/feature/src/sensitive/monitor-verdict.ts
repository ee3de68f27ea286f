/** How a monitor program run ended. Only `passed` lets a download through. */
export type MonitorVerdict = 'passed' | 'failed' | 'timeout' | 'crashed' | 'over-limit';

/** What the history records when no program ran: a sensitive model without one is downloadable. */
export const NO_PROGRAM = 'no-program';

export interface MonitorOutcome {
  verdict: MonitorVerdict;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The first bytes of stdout (keepOutputBytes; a note says how much was cut). */
  stdout: string;
  stderr: string;
}

/**
 * How much stdout the refusal's `error` text quotes. The response's `monitor.stdout` carries the longer excerpt; the
 * message stays small because every refusal message is also scrubbed and logged for the audit trail.
 */
export const MESSAGE_STDOUT_CHARS = 4096;

/** The refusal text shown to the downloader: why, then the program's own stdout (the course asks for it). */
export function refusalMessage(modelName: string, outcome: MonitorOutcome): string {
  const why: Record<Exclude<MonitorVerdict, 'passed'>, string> = {
    failed: `exited with code ${String(outcome.exitCode)}`,
    timeout: `did not finish within its time limit (${outcome.durationMs} ms) and was killed`,
    crashed: `crashed${outcome.signal !== null ? ` (signal ${outcome.signal})` : ''}`,
    'over-limit': 'exceeded its output limit and was killed',
  };
  const reason = outcome.verdict === 'passed' ? 'passed' : why[outcome.verdict];
  const stdout =
    outcome.stdout.length === 0
      ? '(no output)'
      : outcome.stdout.length <= MESSAGE_STDOUT_CHARS
        ? outcome.stdout
        : `${outcome.stdout.slice(0, MESSAGE_STDOUT_CHARS)}\n[… cut here; more in monitor.stdout]`;
  return `download of sensitive model ${modelName} refused: its monitor program ${reason}. Program stdout:\n${stdout}`;
}
