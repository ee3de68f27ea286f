import { Inject, Injectable } from '@nestjs/common';
import { type Envelope, type ScannerPolicyChangedV1, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { ScannerPolicyStore } from '../persistence/scanner-policy.store';

/**
 * Keeps the registry admin's scanner policy in this service's own table, through the inbox (a redelivery is a
 * no-op). Only a newer version replaces the stored one; jobs read the policy when they start, so a change applies
 * to scans started after it is stored.
 */
@Injectable()
export class ScannerPolicyHandler {
  private readonly logger: Logger;
  private readonly store = new ScannerPolicyStore();

  constructor(@Inject(SERVICE_LOGGER) logger: Logger) {
    this.logger = logger.child({ context: 'ScannerPolicyHandler' });
  }

  @OnEvent(Topic.ScannerPolicyChanged)
  async onScannerPolicyChanged(event: Envelope<ScannerPolicyChangedV1>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const applied = await this.store.apply(ctx.manager, { version: p.version, allowedImports: p.allowedImports, changedBy: p.actor.name, changedAt: p.changedAt });
    if (applied) this.logger.info(`scanner policy v${p.version} stored (${p.allowedImports.length} allowed imports, by ${p.actor.name})`);
    else this.logger.info(`scanner policy v${p.version} ignored: a version as new or newer is stored`);
  }
}
