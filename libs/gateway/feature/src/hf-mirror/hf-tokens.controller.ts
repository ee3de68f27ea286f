import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { assertSelfOrAdmin } from '../auth/ownership';
import { parseUserName } from '../auth/user-requests';
import { UsersService } from '../auth/users.service';
import { ClientError } from '../domain/client-error';
import { HfTokensService, type HfTokenView } from './hf-tokens.service';

/**
 * Extension endpoints (openapi/modelguard-extensions.openapi.yaml) managing a user's `hf_` tokens for the HF mirror:
 * signed in with the registry's own token (X-Authorization), on your own account or, as an admin, on any.
 */
@Controller('users')
@UseGuards(AuthGuard)
export class HfTokensController {
  constructor(
    private readonly tokens: HfTokensService,
    private readonly users: UsersService,
  ) {}

  @Post(':name/hf-tokens')
  @HttpCode(201)
  async create(@Param('name') rawName: string, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<HfTokenView & { token: string }> {
    const name = this.ownName(actor, rawName);
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) throw new ClientError(400, 'body must be a JSON object like {"label": "laptop"}');
    return this.tokens.create(actor, name, (body as Record<string, unknown> | undefined)?.['label']);
  }

  @Get(':name/hf-tokens')
  async list(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<HfTokenView[]> {
    const name = this.ownName(actor, rawName);
    await this.users.get(name); // 404 for an unknown user
    return this.tokens.list(name);
  }

  @Delete(':name/hf-tokens/:token_id')
  @HttpCode(200)
  async revoke(@Param('name') rawName: string, @Param('token_id') tokenId: string, @CurrentActor() actor: RequestActor): Promise<{ revoked_tokens: number }> {
    const name = this.ownName(actor, rawName);
    if (!/^[0-9a-f-]{36}$/.test(tokenId)) throw new ClientError(400, 'token_id must be an id from GET /users/{name}/hf-tokens');
    if (!(await this.tokens.revoke(actor, name, tokenId))) throw new ClientError(404, 'no live hf token with this id for this user');
    return { revoked_tokens: 1 };
  }

  private ownName(actor: RequestActor, rawName: string): string {
    const name = parseUserName(rawName);
    assertSelfOrAdmin(actor, name);
    return name;
  }
}
