import { trace } from '@opentelemetry/api';

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type Level = keyof typeof LEVELS;
export type LogFields = Record<string, unknown>;

/** Longest string kept in a field; a log line must never become a multi-megabyte write. */
const MAX_STRING = 8192;
const MAX_DEPTH = 6;

/**
 * Builds one JSON line. Trace/span ids come from the active OpenTelemetry span so a log line can be
 * joined with its trace. Values are made JSON-safe first: Errors keep name/message/stack, bigint
 * becomes a string, cycles and deep nesting are cut, long strings are truncated.
 */
export function formatRecord(level: Level, service: string, msg: string, base: LogFields, fields: LogFields | undefined): string {
  const spanContext = trace.getActiveSpan()?.spanContext();
  const record: LogFields = {
    time: new Date().toISOString(),
    level,
    service,
    msg: truncate(msg),
    trace_id: spanContext?.traceId,
    span_id: spanContext?.spanId,
  };
  const seen = new WeakSet<object>();
  for (const source of [base, fields ?? {}]) {
    for (const [key, value] of Object.entries(source)) {
      if (key in RESERVED) continue; // a field must not be able to forge the level, time or trace id
      record[key] = sanitize(value, 0, seen);
    }
  }
  return `${JSON.stringify(record)}\n`;
}

const RESERVED: Record<string, true> = { time: true, level: true, service: true, msg: true, trace_id: true, span_id: true };

function truncate(value: string): string {
  return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[truncated ${value.length - MAX_STRING} chars]` : value;
}

function sanitize(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return truncate(value);
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return String(value);
    case 'undefined':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(obj);
  if (obj instanceof Error) {
    const out: LogFields = { name: obj.name, message: truncate(obj.message), stack: obj.stack && truncate(obj.stack) };
    const code = (obj as { code?: unknown }).code;
    if (code !== undefined) out['code'] = sanitize(code, depth + 1, seen);
    if (obj.cause !== undefined) out['cause'] = sanitize(obj.cause, depth + 1, seen);
    return out;
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
  if (Array.isArray(obj)) return obj.slice(0, 100).map((v) => sanitize(v, depth + 1, seen));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(obj).slice(0, 100)) out[k] = sanitize(v, depth + 1, seen);
  return out;
}
