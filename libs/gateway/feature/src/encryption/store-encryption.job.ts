import { APP_CONFIG, type AppConfig } from '@modelguard/config';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { migrateStore, SelectiveEncryptionBlobStore, type StoreMigration } from '@modelguard/storage';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GATEWAY_BLOB_STORE, type GatewayBlobStore } from '../ports/blob-store.port';

/**
 * Background store migrations, started at boot and never on a request path:
 * - STORAGE_ENCRYPTION=all over a store that holds plaintext blobs (switched from off or sensitive): seal them all;
 * - retired key-encryption keys configured (STORAGE_ENCRYPTION_RETIRED_KEY_FILES): re-wrap every sealed blob's data
 *   key with the current KEK, rewriting headers only, so the retired keys can then be dropped from the config.
 * Each pass walks the store once and is idempotent per blob, so a crash or a second replica running the same pass is
 * harmless; the result is logged (counts and the blobs that failed, e.g. a tampered one).
 */
@Injectable()
export class StoreEncryptionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    @Inject(GATEWAY_BLOB_STORE) private readonly blobs: GatewayBlobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'StoreEncryptionJob' });
  }

  /** The passes this configuration calls for (empty when encryption is off). */
  passes(): StoreMigration[] {
    const enc = this.config.storage.encryption;
    if (!(this.blobs instanceof SelectiveEncryptionBlobStore) || enc === undefined || enc.mode === 'off') return [];
    const out: StoreMigration[] = [];
    if (this.blobs.sealAllWrites) out.push('seal');
    if ((enc.retiredKeks ?? []).length > 0) out.push('rewrap');
    return out;
  }

  onApplicationBootstrap(): void {
    const passes = this.passes();
    if (passes.length > 0) this.running = this.run(passes);
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** Runs the passes in order; resolves when done (or stopped). Never throws: failures are logged. */
  async run(passes: readonly StoreMigration[]): Promise<void> {
    const store = this.blobs;
    if (!(store instanceof SelectiveEncryptionBlobStore)) return;
    for (const pass of passes) {
      try {
        const report = await migrateStore(store, pass, this.abort.signal);
        const line = `store ${pass} pass: ${report.changed} of ${report.examined} blob(s) changed, ${report.failed.length} failed`;
        if (report.failed.length > 0) this.logger.error(line, { failed: report.failed.slice(0, 20) });
        else this.logger.info(line);
      } catch (error: unknown) {
        this.logger.error(`store ${pass} pass stopped`, { err: error });
      }
    }
  }
}
