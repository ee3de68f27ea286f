/** What a step raced against the destination's end settles with when the destination finished first. */
export const ENDED = Symbol('the destination ended');

/**
 * Races each step of a send against the destination's end, the way `Promise.race([step, done])` would, without
 * chaining anything onto `done` per step. A race attaches a reaction to each promise it is given, and `done` lives
 * as long as the send: every step left its reactions and their promises on it until the send ended, 7.6 MiB of live
 * heap per GiB sent in 128 KiB chunks, growing linearly as far as it was measured (3 GiB into a 4 GiB send; bench/
 * RESULTS.md, "Downloads: one reaction to the end of a send"). Here `done` gets one reaction for the whole send, and
 * each step's promise only reactions that go away with it.
 */
export class DestinationEnd {
  private outcome: { error: unknown } | typeof ENDED | undefined;
  private waiter: { resolve: (value: typeof ENDED) => void; reject: (error: unknown) => void } | undefined;

  constructor(done: Promise<void>) {
    done.then(
      () => this.settle(ENDED),
      (error: unknown) => this.settle({ error }),
    );
  }

  /**
   * Settles as `step` does, or as soon as the destination ended: with ENDED when it finished, rejected with its
   * error when it failed. A missing step resolves at once (the slot's first turn has no write to wait for).
   */
  or<T>(step: Promise<T>): Promise<T | typeof ENDED>;
  or(step: Promise<void> | undefined): Promise<void | typeof ENDED>;
  or<T>(step: Promise<T> | undefined): Promise<T | typeof ENDED | undefined> {
    if (this.outcome === ENDED) return Promise.resolve(ENDED);
    if (this.outcome !== undefined) return Promise.reject(this.outcome.error);
    if (step === undefined) return Promise.resolve(undefined);
    return new Promise<T | typeof ENDED>((resolve, reject) => {
      this.waiter = { resolve, reject };
      step.then(resolve, reject);
    });
  }

  private settle(outcome: { error: unknown } | typeof ENDED): void {
    this.outcome = outcome;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (outcome === ENDED) waiter?.resolve(ENDED);
    else waiter?.reject(outcome.error);
  }
}
