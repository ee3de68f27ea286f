import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Level, LogFields } from './log-record';
import { createLogger, type Logger, type LoggerOptions } from './logger';

const NEST_TO_LEVEL: Record<NestLogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Nest's start-up chatter: one line per module, controller and route (about 145 lines for the gateway).
 * Useful when debugging routing, noise otherwise, so their `log` lines are written at debug level.
 */
export const NEST_STARTUP_CONTEXTS: readonly string[] = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice'];

export interface JsonNestLoggerOptions extends LoggerOptions {
  /** Contexts whose `log` (info) lines are demoted to debug. Default: NEST_STARTUP_CONTEXTS. */
  debugContexts?: readonly string[];
}

/**
 * Adapter so Nest's own messages (bootstrap, route mapping, exceptions) come out as the same JSON
 * lines as ours: `app.useLogger(new JsonNestLogger('gateway'))`. Nest passes the context as the last
 * optional param and, for errors, a stack before it.
 */
export class JsonNestLogger implements LoggerService {
  private readonly logger: Logger;
  private readonly debugContexts: ReadonlySet<string>;

  constructor(serviceOrLogger: string | Logger, opts: JsonNestLoggerOptions = {}) {
    this.logger = typeof serviceOrLogger === 'string' ? createLogger(serviceOrLogger, opts) : serviceOrLogger;
    this.debugContexts = new Set(opts.debugContexts ?? NEST_STARTUP_CONTEXTS);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('log', message, optionalParams);
  }
  error(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('error', message, optionalParams);
  }
  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('warn', message, optionalParams);
  }
  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('debug', message, optionalParams);
  }
  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('verbose', message, optionalParams);
  }
  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('fatal', message, optionalParams);
  }

  private emit(nestLevel: NestLogLevel, message: unknown, params: unknown[]): void {
    const fields: LogFields = {};
    // Nest passes `undefined` for an absent stack (`error(msg, undefined, ctx)`); drop such holes.
    const rest = params.filter((p) => p !== undefined);
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields['context'] = rest.pop();
    const quiet = nestLevel === 'log' && typeof fields['context'] === 'string' && this.debugContexts.has(fields['context']);
    const level = quiet ? 'debug' : NEST_TO_LEVEL[nestLevel];
    if (!this.logger.isLevelEnabled(level)) return;
    if (nestLevel === 'error' && typeof rest[0] === 'string' && rest[0].includes('\n')) fields['stack'] = rest.shift();
    if (rest.length > 0) fields['params'] = rest;
    if (message instanceof Error) {
      fields['err'] = message;
      this.logger[level](message.message, fields);
    } else if (typeof message === 'string') {
      this.logger[level](message, fields);
    } else {
      this.logger[level](typeof message === 'object' && message !== null ? 'object' : String(message), { ...fields, data: message });
    }
  }
}
