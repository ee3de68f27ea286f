import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';

/**
 * Reads JSON request bodies with a hard size cap (413 beyond limits.maxJsonBodyBytes) and turns malformed JSON into
 * a 400, both through the exception filter. Zip uploads (application/zip, octet-stream) and upload-session chunks
 * (application/offset+octet-stream) are left untouched so the upload endpoints can stream them. If the app's own body parser already ran (Nest default), this is a no-op and that
 * parser's limit applies; its errors carry a 4xx `status` that the exception filter maps the same way.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') return next();
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('application/zip') || type.startsWith('application/octet-stream') || type.startsWith('application/offset+octet-stream')) return next();
    const limit = this.settings.limits.maxJsonBodyBytes;
    const declared = Number(req.headers['content-length'] ?? '0');
    // Checked even when a body parser already ran, so limits.maxJsonBodyBytes holds whatever parser the app uses.
    if (declared > limit) throw new ClientError(413, `JSON body exceeds ${limit} bytes`, {}, {}, 'too-large');
    // Already parsed by the platform's body parser (req.body set, stream consumed): nothing more to do.
    if (req.body !== undefined || req.readableEnded) return next();
    const text = await readLimited(req, limit);
    if (text.trim().length === 0) {
      req.body = undefined;
      return next();
    }
    try {
      req.body = JSON.parse(text) as unknown;
    } catch {
      throw new ClientError(400, 'request body is not valid JSON');
    }
    next();
  }
}

async function readLimited(req: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      // Stop reading: the rest of an oversized body is not worth the bandwidth.
      req.unpipe();
      req.resume();
      throw new ClientError(413, `JSON body exceeds ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
