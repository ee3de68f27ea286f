import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { parsePermissions } from '@modelguard/domain';
import { ClientError } from '../domain/client-error';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { UserEntity } from '../persistence/user.entity';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD, DEFAULT_ADMIN_PASSWORD_VARIANTS, PERMISSIONS, type RequestActor } from './actor';
import { LoginThrottle } from './login-throttle';
import { SecurityEvents } from './security-events';
import { hashPassword, verifyPassword } from './password-hasher';
import { TokenLedger } from './token-ledger';
import type { RegisterRequest } from './user-requests';

export interface UserView {
  name: string;
  is_admin: boolean;
  permissions: string[];
  created_at: string;
}

/** Accounts: the default admin, registration by admins, sign-in, and deletion (which revokes the user's tokens). */
@Injectable()
export class UsersService {
  /** Verified against when the user does not exist, so unknown names cost the same time as wrong passwords. */
  private readonly decoyHash = hashPassword('decoy-password-never-matches');

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: TokenLedger,
    private readonly throttle: LoginThrottle,
    private readonly security: SecurityEvents,
  ) {}

  /** Ensures the default admin exists (at boot and after a reset); never overwrites a changed password. */
  async ensureDefaultAdmin(manager: EntityManager = this.dataSource.manager): Promise<void> {
    const hash = await hashPassword(DEFAULT_ADMIN_PASSWORD);
    await manager
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ name: DEFAULT_ADMIN_NAME, passwordHash: hash, isAdmin: true, permissions: [...PERMISSIONS] })
      .orIgnore()
      .execute();
  }

  /**
   * Registry reset: every account but a fresh default admin is gone, and so is every token except the default
   * admin's (the client that reset stays signed in).
   */
  async resetToDefaultAdmin(m: EntityManager): Promise<void> {
    await m.createQueryBuilder().delete().from(UserEntity).execute();
    await this.ledger.revokeAllExcept(DEFAULT_ADMIN_NAME, m);
    await this.ensureDefaultAdmin(m);
  }

  /**
   * Checks credentials under the sign-in throttle (429 once a user or address has failed too often); unknown users
   * and wrong passwords get the same 401 so names cannot be probed.
   */
  async login(name: string, password: string, address: string): Promise<RequestActor> {
    const actor = await this.throttle.attempt(name, address, async () => {
      const user = await this.dataSource.getRepository(UserEntity).findOneBy({ name });
      const candidate = name === DEFAULT_ADMIN_NAME && DEFAULT_ADMIN_PASSWORD_VARIANTS.includes(password) ? DEFAULT_ADMIN_PASSWORD : password;
      const valid = await verifyPassword(candidate, user?.passwordHash ?? (await this.decoyHash));
      return user !== null && valid ? actorOf(user) : null;
    });
    if (actor === null) throw new ClientError(401, 'the user or password is invalid', {}, {}, 'bad-credentials');
    return actor;
  }

  /** Creates an account; the USER_CREATE audit event commits with it (never the password). */
  async register(req: RegisterRequest, by: RequestActor): Promise<UserView> {
    const row = { name: req.name, passwordHash: await hashPassword(req.password), isAdmin: req.isAdmin, permissions: req.permissions };
    try {
      await this.dataSource.transaction(async (m) => {
        await m.getRepository(UserEntity).insert(row);
        await this.security.publish(m, by, 'USER_CREATE', req.name, `is_admin=${String(req.isAdmin)} permissions=${req.permissions.join(',')}`);
      });
    } catch (error: unknown) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ClientError(409, `a user named ${JSON.stringify(req.name)} already exists`);
      }
      throw error;
    }
    return this.get(req.name);
  }

  async list(): Promise<UserView[]> {
    const rows = await this.dataSource.getRepository(UserEntity).find({ order: { createdAt: 'ASC', name: 'ASC' } });
    return rows.map(viewOf);
  }

  async get(name: string): Promise<UserView> {
    const row = await this.dataSource.getRepository(UserEntity).findOneBy({ name });
    if (row === null) throw new ClientError(404, `no user named ${JSON.stringify(name)}`);
    return viewOf(row);
  }

  /**
   * Deletes an account, revokes all of its tokens and releases its artifacts to the admins (a later account with
   * the same name must not inherit them). The default admin cannot be deleted: the course requires it to exist.
   */
  async delete(name: string, by: RequestActor): Promise<{ name: string; revoked_tokens: number }> {
    if (name === DEFAULT_ADMIN_NAME) throw new ClientError(409, 'the default admin cannot be deleted');
    return this.dataSource.transaction(async (m) => {
      const { affected } = await m.getRepository(UserEntity).delete({ name });
      if (!affected) throw new ClientError(404, `no user named ${JSON.stringify(name)}`);
      const revoked = await this.ledger.revokeUser(name, m);
      await m.getRepository(ArtifactEntity).update({ owner: name }, { owner: null });
      await this.security.publish(m, by, 'USER_DELETE', name, `revoked_tokens=${revoked.length}`);
      return { name, revoked_tokens: revoked.length };
    });
  }
}

function actorOf(user: UserEntity): RequestActor {
  return { name: user.name, isAdmin: user.isAdmin, permissions: parsePermissions(user.permissions) };
}

function viewOf(user: UserEntity): UserView {
  return { name: user.name, is_admin: user.isAdmin, permissions: parsePermissions(user.permissions), created_at: user.createdAt.toISOString() };
}
