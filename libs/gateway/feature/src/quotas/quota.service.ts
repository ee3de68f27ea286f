import { qualifiedTable } from '@modelguard/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { ClientError } from '../domain/client-error';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { GATEWAY_CLOCK, type Clock } from '../ports/clock.port';

/** A user's usage against their effective limits (null limit: unlimited). */
export interface UsageView {
  user: string;
  storage: { used_bytes: number; limit_bytes: number | null; overridden: boolean };
  upload_rate: { used: number; limit: number | null; window_seconds: number; window_resets_at: string | null; overridden: boolean };
}

interface QuotaRow {
  user_name: string;
  storage_limit_bytes: string | null;
  uploads_per_window: number | null;
  window_started_ms: string;
  window_uploads: number;
}

/** An admin's override; a null field goes back to the configured default. */
export interface QuotaOverride {
  storageBytes: number | null;
  uploadsPerWindow: number | null;
}

/**
 * Storage and upload-rate quotas per user (issue 17.5). The user's `user_quotas` row is locked (FOR UPDATE) for every
 * check, inside the caller's transaction where there is one, so concurrent uploads of one user are serialised:
 * the second sees the first's committed version in its sum and is refused when both do not fit. The storage check
 * runs in the transaction that records the version, so a failed upload releases nothing because it reserved nothing
 * that outlives its rollback. Usage is the sum of the stored versions of artifacts the user owns (a delete gives the
 * space back; a completed ingest counts once its PackageStored sets the version's size).
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(GATEWAY_CLOCK) private readonly clock: Clock,
    private readonly security: SecurityEvents,
  ) {}

  /**
   * Counts one upload or ingest request against the user's rate quota, in its own short transaction (a refused
   * request never reads its body). 429 + Retry-After when the window is full.
   */
  async takeUploadSlot(user: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await this.lockRow(m, user);
      const limit = this.rateLimitOf(row);
      const windowMs = this.settings.gateway.quotas.windowSeconds * 1000;
      const now = this.clock.now();
      const started = Number(row.window_started_ms);
      const fresh = now >= started + windowMs;
      const used = fresh ? 0 : row.window_uploads;
      if (limit !== null && used >= limit) {
        const retryAfter = Math.max(1, Math.ceil((started + windowMs - now) / 1000));
        throw new ClientError(
          429,
          `upload-rate quota exceeded: ${used} of ${limit} uploads in ${windowMs / 1000} s; retry in ${retryAfter} s`,
          { 'X-Error-Code': 'quota_upload_rate_exceeded', 'Retry-After': String(retryAfter) },
          { quota: 'upload_rate', used, limit, window_seconds: windowMs / 1000, retry_after_seconds: retryAfter },
        );
      }
      await m.query(`UPDATE ${this.table()} SET window_started_ms = $2, window_uploads = $3 WHERE user_name = $1`, [user, fresh ? now : started, used + 1]);
    });
  }

  /**
   * Refuses (413) when storing `addBytes` more would take the user past their storage quota. Call inside the
   * transaction that records the new version: the row lock it takes is held until that transaction ends.
   * `addBytes` 0 (an ingest, whose size is not known yet) refuses only a user already at or over the limit.
   */
  async assertStorageRoom(m: EntityManager, user: string, addBytes: number): Promise<void> {
    const row = await this.lockRow(m, user);
    const limit = this.storageLimitOf(row);
    if (limit === null) return;
    const used = await this.storedBytes(m, user);
    if (addBytes === 0 ? used < limit : used + addBytes <= limit) return;
    throw new ClientError(
      413,
      `storage quota exceeded: ${used} bytes used of ${limit}${addBytes > 0 ? `, this package needs ${addBytes} more` : ''}`,
      { 'X-Error-Code': 'quota_storage_exceeded' },
      { quota: 'storage', used_bytes: used, limit_bytes: limit, requested_bytes: addBytes },
    );
  }

  /** The ingest path's check before anything is recorded: its own transaction, nothing held afterwards. */
  async assertStorageNotFull(user: string): Promise<void> {
    await this.dataSource.transaction((m) => this.assertStorageRoom(m, user, 0));
  }

  async usage(user: string): Promise<UsageView> {
    const m = this.dataSource.manager;
    const rows = (await m.query(`SELECT * FROM ${this.table()} WHERE user_name = $1`, [user])) as QuotaRow[];
    const row = rows[0] ?? { user_name: user, storage_limit_bytes: null, uploads_per_window: null, window_started_ms: '0', window_uploads: 0 };
    const windowSeconds = this.settings.gateway.quotas.windowSeconds;
    const started = Number(row.window_started_ms);
    const live = this.clock.now() < started + windowSeconds * 1000;
    return {
      user,
      storage: { used_bytes: await this.storedBytes(m, user), limit_bytes: this.storageLimitOf(row), overridden: row.storage_limit_bytes !== null },
      upload_rate: {
        used: live ? row.window_uploads : 0,
        limit: this.rateLimitOf(row),
        window_seconds: windowSeconds,
        window_resets_at: live ? new Date(started + windowSeconds * 1000).toISOString() : null,
        overridden: row.uploads_per_window !== null,
      },
    };
  }

  /** Every user with stored bytes or a quota row, with their usage (the admin list). */
  async list(): Promise<UsageView[]> {
    const names = (await this.dataSource.query(
      `SELECT user_name AS name FROM ${this.table()} UNION SELECT owner AS name FROM ${qualifiedTable(this.dataSource, 'artifacts')} WHERE owner IS NOT NULL ORDER BY name LIMIT 1000`,
    )) as { name: string }[];
    const out: UsageView[] = [];
    for (const { name } of names) out.push(await this.usage(name));
    return out;
  }

  /** An admin sets (or clears, with null) a user's limits; audited as QUOTA_SET in the same transaction. */
  async setOverride(admin: RequestActor, user: string, o: QuotaOverride): Promise<UsageView> {
    await this.dataSource.transaction(async (m) => {
      await this.lockRow(m, user);
      await m.query(`UPDATE ${this.table()} SET storage_limit_bytes = $2, uploads_per_window = $3, updated_by = $4, updated_at = now() WHERE user_name = $1`, [
        user, o.storageBytes, o.uploadsPerWindow, admin.name,
      ]);
      await this.security.publish(m, admin, 'QUOTA_SET', user, `storage_bytes=${o.storageBytes ?? 'default'} uploads_per_window=${o.uploadsPerWindow ?? 'default'}`);
    });
    return this.usage(user);
  }

  private async lockRow(m: EntityManager, user: string): Promise<QuotaRow> {
    await m.query(`INSERT INTO ${this.table()} (user_name) VALUES ($1) ON CONFLICT (user_name) DO NOTHING`, [user]);
    const rows = (await m.query(`SELECT * FROM ${this.table()} WHERE user_name = $1 FOR UPDATE`, [user])) as QuotaRow[];
    return rows[0];
  }

  private async storedBytes(m: EntityManager, user: string): Promise<number> {
    const v = qualifiedTable(this.dataSource, 'artifact_versions');
    const a = qualifiedTable(this.dataSource, 'artifacts');
    const rows = (await m.query(`SELECT COALESCE(SUM(v.total_bytes), 0)::text AS used FROM ${v} v JOIN ${a} a ON a.id = v.artifact_id WHERE a.owner = $1`, [user])) as { used: string }[];
    return Number(rows[0]?.used ?? 0);
  }

  private storageLimitOf(row: QuotaRow): number | null {
    const limit = row.storage_limit_bytes !== null ? Number(row.storage_limit_bytes) : this.settings.gateway.quotas.storageBytes;
    return limit > 0 ? limit : null;
  }

  private rateLimitOf(row: QuotaRow): number | null {
    const limit = row.uploads_per_window ?? this.settings.gateway.quotas.uploadsPerWindow;
    return limit > 0 ? limit : null;
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'user_quotas');
  }
}
