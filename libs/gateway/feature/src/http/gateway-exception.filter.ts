import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { isPackageError } from '@modelguard/packages';
import type { Request, Response } from 'express';
import { ClientError } from '../domain/client-error';
import { RefusalRecorder } from './refusal-recorder';
import { refusalReasonOf } from './refusal-rule';
import { isStoreUnavailable } from './store-unavailable';

interface Mapped {
  status: number;
  message: string;
  headers: Readonly<Record<string, string>>;
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The one place errors become HTTP responses: client faults keep their 4xx status and message, anything unexpected
 * becomes a bare 500 (logged with its stack, never sent). Bodies are always `{"error": "..."}` JSON. Refusals are
 * also handed to the security log (refusal-recorder.ts).
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly refusals: RefusalRecorder,
  ) {
    this.logger = logger.child({ context: 'GatewayExceptionFilter' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const mapped = mapException(exception);
    const hungUp = res.headersSent && isClientHangUp(exception);
    // A client that closed the connection mid-answer is not a fault of ours (and Node reports it for some complete
    // answers too, when the client closes before the last write's callback ran): debug, not error.
    if (hungUp) this.logger.debug(`${req.method} ${req.url}: the client closed the connection before the answer ended`);
    else if (mapped.status >= 500 && !(exception instanceof ClientError)) this.logger.error(`${req.method} ${req.url} failed`, { err: exception });
    // A streamed download that fails midway cannot change its status any more: cut the connection so the client
    // sees a truncated transfer instead of a corrupt "successful" one.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
    res.status(mapped.status).json({ ...mapped.details, error: mapped.message });
    // Every refusal is an audit entry (refusal-rule.ts says which answers are); recording never alters the answer.
    const reason = refusalReasonOf(exception, mapped.status);
    if (reason !== null) this.refusals.record(req, mapped.status, reason, mapped.message);
  }
}

/** The error a stream pipeline reports when the HTTP client went away (stream.finished's premature close). */
export function isClientHangUp(exception: unknown): boolean {
  return exception instanceof Error && (exception as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

export function mapException(exception: unknown): Mapped {
  if (exception instanceof ClientError) return { status: exception.status, message: exception.message, headers: exception.headers, details: exception.details };
  // Hostile or broken archives (bombs, traversal, symlinks, corrupt data) are the uploader's fault.
  if (isPackageError(exception)) return { status: 400, message: exception.message, headers: {} };
  if (exception instanceof HttpException) {
    const body = exception.getResponse();
    const message =
      typeof body === 'string' ? body : typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : exception.message;
    return { status: exception.getStatus(), message, headers: {} };
  }
  // Every database connection is busy (pg pool wait timed out), or a data store dropped or refused the connection
  // (store-unavailable.ts): the registry is overloaded or a store is restarting, not broken. Tell the client to
  // come back instead of failing the request with a 500.
  if (isStoreUnavailable(exception)) {
    return { status: 503, message: 'the registry is busy; retry shortly', headers: { 'Retry-After': '1' } };
  }
  // Errors shaped like body-parser / http-errors (a 4xx `status`): malformed or oversized bodies.
  if (typeof exception === 'object' && exception !== null) {
    const e = exception as { status?: unknown; statusCode?: unknown; message?: unknown; type?: unknown; limit?: unknown; length?: unknown };
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
    if (e.type === 'entity.too.large' && typeof e.limit === 'number') {
      return { status: 413, message: `request body of ${String(e.length ?? 'unknown')} bytes exceeds the limit of ${e.limit} bytes`, headers: {} };
    }
    if (e.type === 'entity.parse.failed') return { status: 400, message: 'request body is not valid JSON', headers: {} };
    if (status !== undefined && status >= 400 && status < 500) {
      return { status, message: typeof e.message === 'string' ? e.message : 'bad request', headers: {} };
    }
  }
  return { status: 500, message: 'internal server error', headers: {} };
}
