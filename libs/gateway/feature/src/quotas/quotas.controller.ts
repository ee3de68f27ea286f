import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { assertSelfOrAdmin } from '../auth/ownership';
import { parseUserName } from '../auth/user-requests';
import { UsersService } from '../auth/users.service';
import { ClientError } from '../domain/client-error';
import { QuotaService, type QuotaOverride, type UsageView } from './quota.service';

/** Bigger than any store; keeps the value an exact integer in JSON and in a bigint column. */
const MAX_STORAGE_LIMIT = 2 ** 52;
const MAX_UPLOADS_PER_WINDOW = 1_000_000_000;

/** Extension endpoints (openapi/modelguard-extensions.openapi.yaml): quota usage (self or admin) and admin overrides. */
@Controller()
@UseGuards(AuthGuard)
export class QuotasController {
  constructor(
    private readonly quotas: QuotaService,
    private readonly users: UsersService,
  ) {}

  @Get('users/:name/usage')
  async usage(@Param('name') rawName: string, @CurrentActor() actor: RequestActor): Promise<UsageView> {
    const name = parseUserName(rawName);
    assertSelfOrAdmin(actor, name);
    await this.users.get(name); // 404 for an unknown user
    return this.quotas.usage(name);
  }

  @Put('users/:name/quota')
  @RequirePermission('admin')
  async override(@Param('name') rawName: string, @Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<UsageView> {
    const name = parseUserName(rawName);
    const o = parseOverride(body);
    await this.users.get(name);
    return this.quotas.setOverride(actor, name, o);
  }

  @Get('quotas')
  @RequirePermission('admin')
  list(): Promise<UsageView[]> {
    return this.quotas.list();
  }
}

/** `{"storage_bytes": n|null, "uploads_per_window": n|null}`: 0 is unlimited, null (or absent) the configured default. */
function parseOverride(body: unknown): QuotaOverride {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ClientError(400, 'body must be a JSON object like {"storage_bytes": 1073741824, "uploads_per_window": 100}');
  const b = body as Record<string, unknown>;
  const unknownKeys = Object.keys(b).filter((k) => k !== 'storage_bytes' && k !== 'uploads_per_window');
  if (unknownKeys.length > 0) throw new ClientError(400, `unknown field ${unknownKeys[0].slice(0, 64)}; expected storage_bytes and uploads_per_window`);
  return { storageBytes: limitOf(b['storage_bytes'], 'storage_bytes', MAX_STORAGE_LIMIT), uploadsPerWindow: limitOf(b['uploads_per_window'], 'uploads_per_window', MAX_UPLOADS_PER_WINDOW) };
}

function limitOf(value: unknown, field: string, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw new ClientError(400, `${field} must be null or an integer from 0 (unlimited) to ${max}`);
  return value;
}
