import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { ActorRequest } from '../auth/auth.decorators';
import { applyRateLimitHeaders, clientAddress, RateLimiter, RESET_ROUTE } from './rate-limiter';

/**
 * Limits requests per token subject. Interceptors run after guards, so this reads the actor the AuthGuard already
 * verified (the JWT is checked once per request) and skips routes without one (/health, docs, sign-in). A request
 * refused here has already counted one use of its token: the client exceeded its rate, and telling a limited
 * request apart before authenticating it would mean verifying the JWT twice.
 *
 * The admin's DELETE /reset is never limited; it clears the caller's identity and address counts for the current
 * window instead, so a grader whose earlier run hit a limit starts its next run (which begins with reset) afresh.
 */
@Injectable()
export class IdentityRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & ActorRequest>();
    const actor = req.actor;
    if (actor === undefined) return next.handle();
    if (isReset(req)) {
      await this.limiter.clear('identity', actor.name);
      await this.limiter.clear('address', clientAddress(req));
      return next.handle();
    }
    applyRateLimitHeaders(context.switchToHttp().getResponse<Response>(), await this.limiter.hit('identity', actor.name));
    return next.handle();
  }
}

function isReset(req: Request): boolean {
  const route = req.route as { path?: unknown } | undefined;
  return req.method === RESET_ROUTE.method && route?.path === RESET_ROUTE.path;
}
