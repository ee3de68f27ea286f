import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { applyRateLimitHeaders, clientAddress, RateLimiter } from './rate-limiter';

/**
 * Limits requests per client address before anything else runs (no token check, no body read), so a flood costs one
 * cache increment per request whether or not it carries a valid token. Mounted on the API controllers only, minus
 * PUT /authenticate (throttled on failures by auth/login-throttle.ts) and DELETE /reset (see RESET_ROUTE): /health
 * and the docs are not API controllers and are never limited (gateway.module.ts).
 */
@Injectable()
export class AddressRateLimitMiddleware implements NestMiddleware {
  constructor(private readonly limiter: RateLimiter) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    applyRateLimitHeaders(res, await this.limiter.hit('address', clientAddress(req)));
    next();
  }
}
