import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ClientError } from '../domain/client-error';
import { UserEntity } from '../persistence/user.entity';
import {
  DEFAULT_ADMIN_NAME,
  DEFAULT_ADMIN_PASSWORD,
  DEFAULT_ADMIN_PASSWORD_VARIANTS,
  PERMISSIONS,
  type Permission,
  type RequestActor,
} from './actor';
import { hashPassword, verifyPassword } from './password-hasher';

@Injectable()
export class UsersService {
  /** Verified against when the user does not exist, so unknown names cost the same time as wrong passwords. */
  private readonly decoyHash = hashPassword('decoy-password-never-matches');

  constructor(private readonly dataSource: DataSource) {}

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

  /** Checks credentials; unknown users and wrong passwords get the same 401 so names cannot be probed. */
  async login(name: string, password: string): Promise<RequestActor> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ name });
    const candidate =
      name === DEFAULT_ADMIN_NAME && DEFAULT_ADMIN_PASSWORD_VARIANTS.includes(password) ? DEFAULT_ADMIN_PASSWORD : password;
    const valid = await verifyPassword(candidate, user?.passwordHash ?? (await this.decoyHash));
    if (user === null || !valid) throw new ClientError(401, 'the user or password is invalid');
    return { name: user.name, isAdmin: user.isAdmin, permissions: user.permissions as Permission[] };
  }
}
