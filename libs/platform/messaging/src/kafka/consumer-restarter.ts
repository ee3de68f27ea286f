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

/** From 1 s up to 30 s: a broker restart takes seconds, a longer outage should not be hammered. */
const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, jitter: 0.2 };

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
