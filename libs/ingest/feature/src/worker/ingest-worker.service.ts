import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { IngestJobStore } from '../persistence/ingest-job.store';
import { IngestJobProcessor } from './ingest-job.processor';
import { INGEST_SETTINGS, type IngestSettings } from './ingest-settings';

/** After cancelling, how long shutdown waits for the cancelled downloads to notice. */
const CANCEL_SETTLE_MS = 5_000;

/**
 * The claim loop of one ingest process: keeps up to `concurrency` downloads in flight, claiming its own jobs
 * first and orphaned ones after, and heartbeats the leases of everything it owns. Runs next to the message
 * consumer but outside any handler transaction.
 */
@Injectable()
export class IngestWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IngestWorker.name);
  private readonly jobs = new IngestJobStore();
  /** In-flight downloads by claim token (what the heartbeat vouches for). */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Cancels the downloads still running when the shutdown grace period is over. */
  private readonly cancel = new AbortController();
  private running = false;
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(IngestJobProcessor) private readonly processor: IngestJobProcessor,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  get workerId(): string {
    return this.settings.workerId;
  }

  /** Downloads currently running in this process. */
  get activeJobs(): number {
    return this.inFlight.size;
  }

  onApplicationBootstrap(): void {
    if (this.settings.autoStart) this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat = setInterval(() => void this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
    this.loop = this.run();
    this.logger.log(`ingest worker ${this.workerId} started (concurrency ${this.settings.concurrency})`);
  }

  /** Called after a job was recorded: claim it now instead of at the next poll. */
  notify(): void {
    this.wake?.();
  }

  /**
   * Stops claiming, gives in-flight downloads `shutdownGraceMs` to finish (still heartbeating, so nobody takes
   * them over meanwhile), cancels the rest and hands them to the other workers by releasing its leases.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    if (!(await this.settleWithin(this.settings.shutdownGraceMs))) {
      this.logger.warn(`cancelling ${this.inFlight.size} unfinished download(s) and releasing them to other workers`);
      this.cancel.abort();
      // A cancelled download ends at its next socket event; do not let a wedged one hold the shutdown.
      await this.settleWithin(CANCEL_SETTLE_MS);
    }
    clearInterval(this.heartbeat);
    if (this.dataSource.isInitialized) {
      await this.jobs.releaseAll(this.dataSource.manager, this.workerId).catch((error: unknown) => {
        this.logger.warn(`could not release jobs of ${this.workerId}: ${String(error)}`);
      });
    }
  }

  /** True when every in-flight download settled within `ms`. */
  private async settleWithin(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([Promise.allSettled(this.inFlight.values()), timeout]);
    clearTimeout(timer);
    return this.inFlight.size === 0;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.settings.concurrency - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.jobs.claim(this.dataSource.manager, this.workerId, free, this.settings.leaseMs);
          claimed = jobs.length;
          for (const job of jobs) {
            const work = this.processor
              .process(job, this.cancel.signal)
              .then((outcome) => {
                if (outcome === 'lost') this.logger.warn(`ingest of ${job.artifactId}@${job.version} is no longer ours (taken over, refreshed or reset); result discarded`);
              })
              .catch((error: unknown) => this.logger.error(`ingest of ${job.artifactId}@${job.version} crashed: ${String(error)}`))
              .finally(() => {
                this.inFlight.delete(job.claimToken);
                this.wake?.();
              });
            this.inFlight.set(job.claimToken, work);
          }
        } catch (error) {
          // The database may be briefly unavailable; keep the loop alive and try again after the poll delay.
          if (this.running) this.logger.warn(`claiming ingest jobs failed: ${String(error)}`);
        }
      }
      // Claimed a batch and still have room: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && this.inFlight.size < this.settings.concurrency) continue;
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.jobs.heartbeat(this.dataSource.manager, this.workerId, this.settings.leaseMs, [...this.inFlight.keys()]);
    } catch (error) {
      this.logger.warn(`lease heartbeat failed: ${String(error)}`);
    }
  }
}
