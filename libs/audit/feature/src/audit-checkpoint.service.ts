import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { type EventContext, OnEvent, Outbox } from '@modelguard/messaging';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { type BeforeApplicationShutdown, ConflictException, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type DataSource, type EntityManager, LessThanOrEqual } from 'typeorm';
import { GENESIS_HASH } from './audit-chain';
import { AUDIT_CHAIN_KEYS, type AuditChainKeys } from './audit-chain-keys';
import { type AuditCheckpoint, checkpointSignatureValid, CheckpointStore, signCheckpoint } from './audit-checkpoint';
import { CHAIN_LOCK } from './audit-recorder.service';
import { AuditEntryEntity } from './entities/audit-entry.entity';

export const AUDIT_CHECKPOINT_OPTIONS = Symbol.for('modelguard.audit.checkpoint-options');

export interface AuditCheckpointOptions {
  /** Where this replica keeps the newest checkpoint (outside the database). */
  file: string;
  /** A checkpoint is taken this often when entries were added since the last one; 0 turns the timer off (tests). */
  intervalMs: number;
}

/**
 * Signed checkpoints of the audit chain, kept outside the database: taken every `intervalMs` when the log grew, on
 * demand, and at shutdown; each is published on audit.checkpoint-published.v1 (outbox, same transaction as the read
 * of the tail) and written to this replica's file when the event comes back. Every replica consumes the topic, so a
 * checkpoint survives the loss of the file of the replica that took it.
 */
@Injectable()
export class AuditCheckpointService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly store: CheckpointStore;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private lastTaken: string | null | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(AUDIT_CHAIN_KEYS) private readonly keys: AuditChainKeys,
    @Inject(AUDIT_CHECKPOINT_OPTIONS) private readonly options: AuditCheckpointOptions,
    private readonly outbox: Outbox,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.store = new CheckpointStore(options.file, keys.byId);
    this.logger = logger.child({ context: 'AuditCheckpoint' });
  }

  onApplicationBootstrap(): void {
    const { problem } = this.store.load();
    if (problem !== undefined) this.logger.error(problem);
    if (this.options.intervalMs > 0) {
      // An error here is an alarm (most likely the log no longer extends the newest checkpoint), logged every interval.
      this.timer = setInterval(() => void this.takeIfGrown().catch((error: unknown) => this.logger.error(`checkpoint failed: ${String(error)}`)), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Before the DataSource closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // The outbox relay has stopped by now: the row stays in the outbox and is published on the next start.
    await this.takeIfGrown().catch((error: unknown) => this.logger.warn(`final checkpoint failed: ${String(error)}`));
  }

  /** The newest checkpoint known (file or topic), and a problem when the file is forged or unreadable. */
  latest(): { checkpoint: AuditCheckpoint | null; problem?: string } {
    return this.store.load();
  }

  /**
   * Takes a checkpoint of the current tail now: signed, published through the outbox and kept locally at once (the
   * event coming back is then a no-op here, and brings it to every other replica). Refused (409) when the log no longer
   * extends the newest checkpoint: signing a cut or replaced tail would launder the evidence verification relies on.
   */
  async take(): Promise<AuditCheckpoint> {
    const checkpoint = await this.dataSource.transaction(async (m) => {
      await m.query(CHAIN_LOCK);
      await this.requireExtendsLatest(m);
      const repo = m.getRepository(AuditEntryEntity);
      const [tail] = await repo.find({ select: { id: true, hash: true }, order: { id: 'DESC' }, take: 1 });
      const entries = await repo.count();
      const signed = signCheckpoint(this.keys.current, { entries, lastEntryId: tail?.id ?? null, head: tail?.hash ?? GENESIS_HASH, takenAt: new Date().toISOString() });
      await this.outbox.enqueue(m, Topic.AuditCheckpointPublished, signed, { key: 'audit-chain' });
      return signed;
    });
    this.store.offer(checkpoint);
    this.lastTaken = checkpoint.lastEntryId;
    return checkpoint;
  }

  private async requireExtendsLatest(m: EntityManager): Promise<void> {
    const previous = this.store.load().checkpoint;
    if (previous === null || previous.lastEntryId === null) return;
    const repo = m.getRepository(AuditEntryEntity);
    const anchor = await repo.findOne({ select: { id: true, hash: true }, where: { id: previous.lastEntryId } });
    const upTo = anchor === null ? 0 : await repo.count({ where: { id: LessThanOrEqual(previous.lastEntryId) } });
    if (anchor === null || anchor.hash !== previous.head || upTo !== previous.entries) {
      throw new ConflictException(`the audit log does not extend the checkpoint of ${previous.takenAt} (GET /audit/verify names the break); no checkpoint taken`);
    }
  }

  private async takeIfGrown(): Promise<void> {
    const [tail] = await this.dataSource.getRepository(AuditEntryEntity).find({ select: { id: true }, order: { id: 'DESC' }, take: 1 });
    if ((tail?.id ?? null) === this.lastTaken || tail === undefined) return;
    await this.take();
  }

  /** Another replica's (or our own) checkpoint: kept when genuine and newer; a forged one is logged and dropped. */
  @OnEvent(Topic.AuditCheckpointPublished)
  onPublished(event: Envelope<PayloadOf<typeof Topic.AuditCheckpointPublished>>, _ctx: EventContext): Promise<void> {
    if (!checkpointSignatureValid(event.payload, this.keys.byId)) {
      this.logger.error(`dropped a checkpoint with an invalid signature (event ${event.eventId})`);
      return Promise.resolve();
    }
    this.store.offer(event.payload);
    return Promise.resolve();
  }
}
