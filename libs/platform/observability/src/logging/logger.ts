import { formatRecord, type Level, LEVELS, type LogFields } from './log-record';
import { recentLogs } from './recent-logs';

export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Minimum level written; defaults to LOG_LEVEL or `info`. */
  level?: Level;
  /** Where lines go; defaults to stdout (12-factor: the platform collects stdout). */
  sink?: LogSink;
}

export interface Logger {
  readonly service: string;
  readonly level: Level;
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  fatal(msg: string, fields?: LogFields): void;
  isLevelEnabled(level: Level): boolean;
  /** A logger that adds `fields` to every record (e.g. { artifactId }). */
  child(fields: LogFields): Logger;
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LEVELS, value);
}

/** Structured JSON logger: one line per record with time, level, service, msg, trace_id, span_id. */
export function createLogger(service: string, opts: LoggerOptions = {}): Logger {
  const envLevel = process.env['LOG_LEVEL'];
  const level: Level = opts.level ?? (isLevel(envLevel) ? envLevel : 'info');
  return new JsonLogger(service, level, opts.sink ?? process.stdout, {});
}

class JsonLogger implements Logger {
  private readonly threshold: number;

  constructor(
    readonly service: string,
    readonly level: Level,
    private readonly sink: LogSink,
    private readonly base: LogFields,
  ) {
    this.threshold = LEVELS[level];
  }

  trace(msg: string, fields?: LogFields): void {
    this.write('trace', msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }
  fatal(msg: string, fields?: LogFields): void {
    this.write('fatal', msg, fields);
  }

  isLevelEnabled(level: Level): boolean {
    return LEVELS[level] >= this.threshold;
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.service, this.level, this.sink, { ...this.base, ...fields });
  }

  private write(level: Level, msg: string, fields: LogFields | undefined): void {
    if (LEVELS[level] < this.threshold) return;
    let line: string;
    try {
      line = formatRecord(level, this.service, msg, this.base, fields);
    } catch (err) {
      // Logging must never throw into business code (e.g. a getter that throws inside a field).
      line = formatRecord(level, this.service, msg, {}, { log_error: String(err) });
    }
    this.sink.write(line);
    recentLogs.record(level, this.service, msg, fields?.['context'] ?? this.base['context']);
  }
}
