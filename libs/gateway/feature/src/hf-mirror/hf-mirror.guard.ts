import { allows } from '@modelguard/domain';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import type { ActorRequest } from '../auth/auth.decorators';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { hfError } from './hf-errors';
import { HfTokensService } from './hf-tokens.service';

/** Who anonymous mirror reads run as (GATEWAY_HF_MIRROR_ANONYMOUS); `:` cannot occur in a user name. */
export const ANONYMOUS_MIRROR_ACTOR: RequestActor = { name: 'hf-mirror:anonymous', isAdmin: false, permissions: ['search', 'download'] };

/**
 * Authenticates the mirror's clients the way the Hub does: `Authorization: Bearer hf_…`, a personal access token
 * (hf-tokens.service.ts). The registry's own JWTs are not accepted here and hf_ tokens are accepted nowhere else, so
 * a token handed to an ML tool can only download. Without a header the request runs as the anonymous actor when the
 * configuration allows it. Every failure is a 401 that the clients report as an authentication problem; the caller
 * needs the `download` permission.
 */
@Injectable()
export class HfMirrorGuard implements CanActivate {
  constructor(
    private readonly tokens: HfTokensService,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ActorRequest & { headers: Record<string, string | string[] | undefined> }>();
    const raw = request.headers['authorization'];
    const header = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    let actor: RequestActor | null;
    if (header === undefined || header === '') {
      if (!this.settings.gateway.hfMirror.anonymous) {
        throw hfError(401, 'ModelGuardUnauthorized', 'ModelGuard requires a token: create an hf_ token (POST /users/{name}/hf-tokens) and set HF_TOKEN', {}, 'unauthenticated');
      }
      actor = ANONYMOUS_MIRROR_ACTOR;
    } else {
      const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
      actor = match ? await this.tokens.authenticate(match[1]) : null;
      if (actor === null) throw hfError(401, 'ModelGuardUnauthorized', 'Invalid credentials in Authorization header: not a live ModelGuard hf_ token', {}, 'invalid-token');
    }
    request.actor = actor;
    if (!allows(actor, 'download')) {
      throw hfError(403, 'ModelGuardUnauthorized', `ModelGuard: user ${actor.name} does not have the "download" permission`, {}, 'forbidden-permission');
    }
    return true;
  }
}
