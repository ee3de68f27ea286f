import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DATA_SOURCE } from '@modelguard/persistence';
import type { DataSource } from 'typeorm';
import { ScanJobStore } from '../persistence/scan-job.store';
import { ScanJobProcessor } from './scan-job.processor';
import { SCAN_SETTINGS, type ScanSettings } from './scan-settings';

/**
 * The claim loop of one worker process: keeps up to `concurrency` jobs in flight, claiming its own jobs
 * first and orphaned ones after, and heartbeats the leases of everything it owns. Runs in the service
 * process next to the Kafka consumer, outside any handler transaction.
 */
@Injectable()
export class ScanWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScanWorker.name);
  private readonly jobs = new ScanJobStore();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private running = false;
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ScanJobProcessor) private readonly processor: ScanJobProcessor,
    @Inject(SCAN_SETTINGS) private readonly settings: ScanSettings,
  ) {}

  get workerId(): string {
    return this.settings.workerId;
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
    this.logger.log(`scan worker ${this.workerId} started (concurrency ${this.settings.concurrency})`);
  }

  /** Called after a job was recorded: claim it now instead of at the next poll. */
  notify(): void {
    this.wake?.();
  }

  /** Stop claiming, interrupt scans between files, hand unfinished jobs to the other workers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.wake?.();
    clearInterval(this.heartbeat);
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
    if (this.dataSource.isInitialized) {
      await this.jobs.releaseAll(this.dataSource.manager, this.workerId).catch((error: unknown) => {
        this.logger.warn(`could not release jobs of ${this.workerId}: ${String(error)}`);
      });
    }
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
              .process(job, this.abort.signal)
              .then((outcome) => {
                if (outcome === 'lost') this.logger.warn(`job ${job.id} is no longer ours (lease taken over, or registry reset); result discarded`);
              })
              .catch((error: unknown) => this.logger.error(`job ${job.id} crashed: ${String(error)}`))
              .finally(() => {
                this.inFlight.delete(job.id);
                this.wake?.();
              });
            this.inFlight.set(job.id, work);
          }
        } catch (error) {
          // The database may be briefly unavailable; keep the loop alive and try again after the poll delay.
          if (this.running) this.logger.warn(`claiming scan jobs failed: ${String(error)}`);
        }
      }
      // Claimed a full batch and still have room: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && this.inFlight.size < this.settings.concurrency) continue;
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
