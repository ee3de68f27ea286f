import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { WEB_ASSETS_PREFIX, WEB_CLIENT_ROUTES, WEB_CONTENT_SECURITY_POLICY } from './client-routes';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};
// Hashed bundle names only (`index-Bx1_9a.js`): no separators, so a request can never leave the assets folder.
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Serves the prebuilt web interface (apps/web, built into GATEWAY_WEB_DIR by `npm run build`): index.html for the
 * client routes and the hashed files under /assets. Public like /docs: the page itself holds no data, every API
 * call it makes carries the user's token. Registered last, so an API route always wins a tie.
 */
@Controller()
export class WebAppController {
  private indexHtml: Promise<string | undefined> | undefined;

  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {}

  @Get([...WEB_CLIENT_ROUTES])
  async page(@Res() res: Response): Promise<void> {
    const html = await this.loadIndex();
    if (html === undefined) throw new NotFoundException('the web interface is not built (run npm run build)');
    res
      .status(200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': WEB_CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        // The page names the current bundle; it must be revalidated so a new build is picked up.
        'Cache-Control': 'no-cache',
      })
      .send(html);
  }

  @Get(`${WEB_ASSETS_PREFIX}/:file`)
  async asset(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const type = CONTENT_TYPES[extname(file)];
    if (!ASSET_NAME.test(file) || type === undefined) throw new NotFoundException('no such asset');
    const path = join(this.settings.gateway.webDir, WEB_ASSETS_PREFIX, file);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new NotFoundException('no such asset');
    res.status(200).set({
      'Content-Type': type,
      'Content-Length': String(info.size),
      'X-Content-Type-Options': 'nosniff',
      // Content-hashed names never change meaning.
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    createReadStream(path).pipe(res);
  }

  /** Read once: the build replaces the whole folder, and a gateway restart picks the new one up. */
  private loadIndex(): Promise<string | undefined> {
    this.indexHtml ??= readFile(join(this.settings.gateway.webDir, 'index.html'), 'utf8').catch(() => {
      this.indexHtml = undefined; // not built yet: look again next time instead of caching the miss
      return undefined;
    });
    return this.indexHtml;
  }
}
