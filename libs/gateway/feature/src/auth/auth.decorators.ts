import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission, RequestActor } from './actor';

export const REQUIRED_PERMISSION = 'gateway:required-permission';

/** Declares the permission an endpoint needs; admins pass every check. */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

export interface ActorRequest {
  actor?: RequestActor;
}

/** Injects the authenticated actor the AuthGuard put on the request. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestActor => {
  const actor = ctx.switchToHttp().getRequest<ActorRequest>().actor;
  if (actor === undefined) throw new Error('CurrentActor used on a route without AuthGuard');
  return actor;
});
