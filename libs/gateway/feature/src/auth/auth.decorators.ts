import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Permission, RequestActor } from './actor';

export const REQUIRED_PERMISSION = 'gateway:required-permission';

/** Declares the permission an endpoint needs; admins pass every check. */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

/**
 * Marks the one kind of route an alias-scoped deployment token may call (the alias download); the AuthGuard refuses
 * such a token everywhere else, and the route itself checks the token's model and alias.
 */
export const DEPLOYMENT_ROUTE = 'gateway:deployment-route';
export const AllowDeploymentToken = (): MethodDecorator => SetMetadata(DEPLOYMENT_ROUTE, true);

export interface ActorRequest {
  actor?: RequestActor;
  /** The scope of a deployment token (absent for an ordinary token). */
  deployment?: { artifactId: string; alias: string };
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
