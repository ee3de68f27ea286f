import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientError } from '../domain/client-error';
import type { RequestActor } from './actor';
import { CurrentActor, RequirePermission } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import { assertSelfOrAdmin } from './ownership';
import { SecurityEvents } from './security-events';
import { TokenLedger, type TokenInfo } from './token-ledger';
import { parseRegisterRequest, parseUserName } from './user-requests';
import { UsersService, type UserView } from './users.service';

interface TokenView {
  id: string;
  issued_at: string;
  expires_at: string;
  uses: number;
  max_uses: number;
  revoked: boolean;
}

/**
 * User management (extension spec): admins register and list users; a user reads, deletes and signs out their own
 * account, an admin any account. Names are validated before any lookup, so a foreign or malformed name is refused
 * without revealing whether it exists.
 */
@Controller('users')
@UseGuards(AuthGuard)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: TokenLedger,
    private readonly dataSource: DataSource,
    private readonly security: SecurityEvents,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('admin')
  register(@Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<UserView> {
    return this.users.register(parseRegisterRequest(body), actor);
  }

  @Get()
  @RequirePermission('admin')
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Get(':name')
  get(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<UserView> {
    return this.users.get(this.ownName(actor, rawName));
  }

  @Delete(':name')
  @HttpCode(200)
  remove(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<{ name: string; revoked_tokens: number }> {
    return this.users.delete(this.ownName(actor, rawName), actor);
  }

  @Get(':name/tokens')
  async tokens(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<TokenView[]> {
    const name = this.ownName(actor, rawName);
    await this.users.get(name); // 404 for an unknown user (admins only get this far for foreign names)
    return (await this.ledger.list(name)).map((t) => this.view(t));
  }

  @Delete(':name/tokens')
  @HttpCode(200)
  async revokeAll(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<{ revoked_tokens: number }> {
    const name = this.ownName(actor, rawName);
    await this.users.get(name);
    // The revocation and its audit event commit together.
    const revoked = await this.dataSource.transaction(async (m) => {
      const ids = await this.ledger.revokeUser(name, m);
      if (ids.length > 0) await this.security.publish(m, actor, 'TOKEN_REVOKE', name, `all tokens of the user: ${ids.length}`);
      return ids.length;
    });
    return { revoked_tokens: revoked };
  }

  @Delete(':name/tokens/:token_id')
  @HttpCode(200)
  async revokeOne(@Param('name') rawName: string, @Param('token_id') tokenId: string, @CurrentActor() actor: RequestActor): Promise<{ revoked_tokens: number }> {
    const name = this.ownName(actor, rawName);
    if (!/^[0-9a-f-]{36}$/.test(tokenId)) throw new ClientError(400, 'token_id must be a token id from GET /users/{name}/tokens');
    if (!(await this.ledger.revokeOne(name, tokenId))) throw new ClientError(404, 'no live token with this id for this user');
    await this.security.publish(null, actor, 'TOKEN_REVOKE', tokenId, `token of user ${name}`);
    return { revoked_tokens: 1 };
  }

  /** Validates the path's name, then the object check: own account or admin. */
  private ownName(actor: RequestActor, rawName: string): string {
    const name = parseUserName(rawName);
    assertSelfOrAdmin(actor, name);
    return name;
  }

  private view(t: TokenInfo): TokenView {
    return { id: t.id, issued_at: t.issuedAt.toISOString(), expires_at: t.expiresAt.toISOString(), uses: t.uses, max_uses: this.ledger.maxUses, revoked: t.revoked };
  }
}
