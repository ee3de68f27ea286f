import { type Backoff, backoffDelay } from '@modelguard/jobs';

/** What the restarter needs of a consumer: start it again from scratch, or tidy up after a failed start. */
export interface RestartableConsumer {
  /** Connect, subscribe and run (kafkajs has already disconnected a crashed consumer). */
  connectAndRun(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerRestarterOptions {
  backoff?: Backoff;
  onRestartFailed?: (error: unknown, nextDelayMs: number) => void;
  onRestarted?: (attempts: number) => void;
}

/**
 * From 1 s up to 8 s: a broker restart takes seconds, and a service waiting out a long outage must be consuming again
 * within ~10 s of the broker's return (issue 14), so the cap stays below that; one connection attempt every 8 s does
 * not hammer a broker.
 */
const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 8_000, jitter: 0.2 };

/**
 * kafkajs restarts a crashed consumer by itself only after errors it deems retriable. A broker restart can also
 * end in a non-retriable one (`Failed to find group coordinator` while the coordinator is loading), after which
 * kafkajs leaves the consumer disconnected for good: the service stays up and healthy-looking but never consumes
 * again. This restarts such a consumer with backoff until it runs again or the server closes.
 */
export class ConsumerRestarter {
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly backoff: Backoff;

  constructor(
    private readonly consumer: RestartableConsumer,
    private readonly opts: ConsumerRestarterOptions = {},
  ) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /**
   * The first start. A broker that is not there yet (start-up order must not matter) is not an error: the start is
   * retried with the same backoff as a crashed consumer until it runs or the server closes. Resolves true once the
   * consumer runs, false when it is still trying after `waitMs` (the service goes on starting meanwhile).
   */
  async start(waitMs: number): Promise<boolean> {
    const first = this.consumer.connectAndRun().then(
      () => true,
      async (error: unknown) => {
        await this.consumer.disconnect().catch(() => undefined);
        if (!this.closed) this.opts.onRestartFailed?.(error, this.schedule());
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    try {
      return await Promise.race([first, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** kafkajs' CRASH event: act only when kafkajs itself will not restart the consumer. */
  onCrash(kafkajsWillRestart: boolean): void {
    if (kafkajsWillRestart || this.closed || this.timer !== undefined) return;
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Arms the next restart; returns its delay. */
  private schedule(): number {
    this.attempts += 1;
    const delay = backoffDelay(this.backoff, this.attempts);
    this.timer = setTimeout(() => void this.restart(), delay);
    return delay;
  }

  private async restart(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    try {
      await this.consumer.connectAndRun();
      this.opts.onRestarted?.(this.attempts);
      this.attempts = 0;
    } catch (error: unknown) {
      await this.consumer.disconnect().catch(() => undefined);
      if (this.closed) return;
      this.opts.onRestartFailed?.(error, this.schedule());
    }
  }
}
