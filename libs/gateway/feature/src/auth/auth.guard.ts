import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { allows } from '@modelguard/domain';
import { ClientError } from '../domain/client-error';
import type { Permission } from './actor';
import { DEPLOYMENT_ROUTE, REQUIRED_PERMISSION, type ActorRequest } from './auth.decorators';
import { TokenService } from './token.service';

/**
 * Authenticates X-Authorization (403 when missing, invalid, expired, revoked or used up, as the spec says) and
 * authorises the permission declared with @RequirePermission (routes without one need only a valid token; checks on
 * the object itself, such as ownership, are the handler's: see ownership.ts). Lacking admin answers 401 (the spec's
 * "You do not have permission" on /reset); lacking another permission answers 403, the only auth failure those
 * operations document.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ActorRequest & { headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers['x-authorization'];
    const { tokenId, deployment, ...actor } = await this.tokens.authenticate(Array.isArray(header) ? header[0] : header);
    const needed = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Set before the permission check so a refusal below is audited with who was refused (http/refusal-recorder.ts).
    request.actor = actor;
    request.tokenId = tokenId;
    // A deployment token reads one alias of one model and nothing else: refused on every route not marked for it.
    if (deployment !== undefined) {
      request.deployment = deployment;
      if (this.reflector.get<boolean | undefined>(DEPLOYMENT_ROUTE, context.getHandler()) !== true) {
        throw new ClientError(403, 'a deployment token may only download the alias it was issued for', {}, {}, 'forbidden');
      }
    }
    if (needed !== undefined && !allows(actor, needed)) {
      // The spec documents 401 ("no permission") only for admin operations (/reset); elsewhere it lists only 403.
      throw new ClientError(needed === 'admin' ? 401 : 403, `you do not have the "${needed}" permission`, {}, {}, 'forbidden-permission');
    }
    return true;
  }
}
