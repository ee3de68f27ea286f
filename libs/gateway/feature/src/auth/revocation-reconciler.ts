import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TokenLedger } from './token-ledger';

/** How often revocations whose cache marker is not known set are re-marked: the longest a revoked token can work. */
export const REVOCATION_RECONCILE_INTERVAL_MS = 2_000;
/** Rows per pass, so a mass revocation made while the cache was away is caught up in bounded steps. */
export const REVOCATION_RECONCILE_BATCH = 500;

/**
 * Closes the gap between a durable revocation and its cache marker (see token-ledger.ts): the revoke answered 503 or
 * the process died after the commit, and the cache may still hold the token's old counter. Every replica polls; the
 * marks are idempotent, so no lease is needed, and a pass that cannot reach the cache is logged and retried on the
 * next tick, never thrown.
 */
@Injectable()
export class RevocationReconciler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ledger: TokenLedger,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'RevocationReconciler' });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), REVOCATION_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass, skipped while the previous one still runs (a stalled cache must not pile passes up). */
  private async tick(): Promise<void> {
    if (this.running !== undefined) return;
    this.running = this.pass().finally(() => (this.running = undefined));
    await this.running;
  }

  private async pass(): Promise<void> {
    try {
      const marked = await this.ledger.reconcileRevocations(REVOCATION_RECONCILE_BATCH);
      if (marked > 0) this.logger.info('re-marked revoked tokens in the cache', { count: marked });
    } catch (error: unknown) {
      this.logger.warn('could not re-mark revoked tokens in the cache; retrying on the next pass', { err: error });
    }
  }
}
