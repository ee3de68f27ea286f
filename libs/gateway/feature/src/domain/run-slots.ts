import type { ClientError } from './client-error';

/**
 * Bounds how many of some costly thing (a sensitive model's monitor program, a password hash) run at once. A caller
 * beyond the bound waits in a queue (up to `waitMs`); when the queue is full or the wait runs out it gets `busy()`
 * (a 503 with Retry-After) instead of starting without bound.
 */
export class RunSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly waitMs: number,
    private readonly busy: () => ClientError,
  ) {}

  /** Resolves to a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return this.releaser();
    }
    if (this.waiting.length >= this.maxWaiting) throw this.busy();
    await new Promise<void>((resolve, reject) => {
      const turn = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(turn);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(this.busy());
      }, this.waitMs);
      this.waiting.push(turn);
    });
    // The releasing caller handed its slot over without giving it back, so `running` already counts this one.
    return this.releaser();
  }

  get active(): number {
    return this.running;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter, so a newcomer cannot slip in between and exceed the bound.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running -= 1;
    };
  }
}
