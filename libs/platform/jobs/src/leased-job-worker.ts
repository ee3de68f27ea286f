import type { JobLogger, LeasedJobPort, LeasedJobWorkerOptions } from './leased-job.port';

/**
 * The claim loop of one worker process over a leased job table: keeps up to `concurrency` jobs in flight,
 * claiming its own jobs first and orphaned ones after, and heartbeats the leases of everything it owns. It runs
 * next to the message consumer but outside any handler transaction: handlers only record jobs and notify().
 *
 * The lifecycle method names match Nest's hooks, so a service's @Injectable() subclass is started and stopped
 * by the application without any further wiring.
 */
export class LeasedJobWorker<J> {
  /** In-flight jobs by key (what the heartbeat vouches for). */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Aborts the jobs still running once stop() gives up waiting for them. */
  private cancel = new AbortController();
  private running = false;
  private loop?: Promise<void>;
  private heartbeatTimer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    private readonly port: LeasedJobPort<J>,
    private readonly options: LeasedJobWorkerOptions,
    private readonly logger: JobLogger,
  ) {}

  get workerId(): string {
    return this.options.workerId;
  }

  /** Jobs currently being processed by this process. */
  get activeJobs(): number {
    return this.inFlight.size;
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // A worker stopped and started again must not hand its new jobs an already aborted signal.
    if (this.cancel.signal.aborted) this.cancel = new AbortController();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
    this.loop = this.run();
    this.logger.log(`${this.options.kind} worker ${this.workerId} started (concurrency ${this.options.concurrency})`);
  }

  /** Called after a job was recorded: claim it now instead of at the next poll. */
  notify(): void {
    this.wake?.();
  }

  /**
   * Stops claiming, gives in-flight jobs `shutdownGraceMs` to finish (still heartbeating, so nobody takes them
   * over meanwhile), aborts the rest, waits up to `cancelSettleMs` for them to notice, and hands every unfinished
   * job to the other workers by releasing its leases.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.options.shutdownGraceMs <= 0) this.cancel.abort();
    this.wake?.();
    await this.loop;
    if (!(await this.settleWithin(this.options.shutdownGraceMs))) {
      if (!this.cancel.signal.aborted) {
        this.logger.warn(`cancelling ${this.inFlight.size} unfinished ${this.options.kind} job(s) and releasing them to other workers`);
      }
      this.cancel.abort();
      // An aborted job ends at its next check of the signal; a finite settle time keeps a wedged one from holding the shutdown.
      await this.settleWithin(this.options.cancelSettleMs);
    }
    clearInterval(this.heartbeatTimer);
    await this.port.releaseAll(this.workerId).catch((error: unknown) => {
      this.logger.warn(`could not release jobs of ${this.workerId}: ${String(error)}`);
    });
  }

  /** True when every in-flight job settled within `ms` (Infinity: wait for all of them). */
  private async settleWithin(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    const all = Promise.allSettled(this.inFlight.values());
    if (!Number.isFinite(ms)) {
      await all;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    return this.inFlight.size === 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const claimed = await this.claimBatch();
      // Claimed a batch and still have room: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && this.inFlight.size < this.options.concurrency) continue;
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Claims as many jobs as there is room for and starts them; returns how many were claimed. */
  private async claimBatch(): Promise<number> {
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    try {
      const jobs = await this.port.claim(this.workerId, free, this.options.leaseMs);
      for (const job of jobs) this.launch(job);
      return jobs.length;
    } catch (error) {
      // The database may be briefly unavailable; keep the loop alive and try again after the poll delay.
      if (this.running) this.logger.warn(`claiming ${this.options.kind} jobs failed: ${String(error)}`);
      return 0;
    }
  }

  private launch(job: J): void {
    const key = this.port.keyOf(job);
    // Operators follow a dead worker's jobs by this line: which job moved, from whom, to whom.
    const previousOwner = this.port.takenOverFrom?.(job);
    if (previousOwner) this.logger.warn(`${this.port.describe(job)} taken over from ${previousOwner} by ${this.workerId}`);
    const work = Promise.resolve()
      // Inside then(): a process() that throws synchronously is contained like a rejected one.
      .then(() => this.port.process(job, this.cancel.signal))
      .catch((error: unknown) => {
        // Failing once its worker is stopping (cancelled, or the service closed its database under it) says nothing
        // about the job: stop() releases its lease and another worker runs it. Only a running worker's failure is a crash.
        if (this.running) this.logger.error(`${this.port.describe(job)} crashed: ${String(error)}`);
        else this.logger.warn(`${this.port.describe(job)} did not finish before ${this.workerId} stopped; left to another worker: ${String(error)}`);
      })
      .finally(() => {
        this.inFlight.delete(key);
        this.wake?.();
      });
    this.inFlight.set(key, work);
  }

  private async beat(): Promise<void> {
    try {
      await this.port.heartbeat(this.workerId, this.options.leaseMs, [...this.inFlight.keys()]);
    } catch (error) {
      this.logger.warn(`lease heartbeat failed: ${String(error)}`);
    }
  }
}
