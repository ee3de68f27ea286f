import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission, RequestActor } from './actor';

export const REQUIRED_PERMISSION = 'gateway:required-permission';

/** Declares the permission an endpoint needs; admins pass every check. */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

export interface ActorRequest {
  actor?: RequestActor;
  /** The id of the token the request presented (logout revokes it). */
  tokenId?: string;
}

/** Injects the authenticated actor the AuthGuard put on the request. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestActor => {
  const actor = ctx.switchToHttp().getRequest<ActorRequest>().actor;
  if (actor === undefined) throw new Error('CurrentActor used on a route without AuthGuard');
  return actor;
});

/** Injects the id of the presented token (set by the AuthGuard). */
export const CurrentTokenId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const tokenId = ctx.switchToHttp().getRequest<ActorRequest>().tokenId;
  if (tokenId === undefined) throw new Error('CurrentTokenId used on a route without AuthGuard');
  return tokenId;
});
