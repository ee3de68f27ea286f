import { describe, expect, it } from 'vitest';
import { DestinationEnd, ENDED } from './destination-end';

/** A promise with its settle functions, to settle steps and ends in the order a test needs. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

describe('DestinationEnd: a send step raced against the end of its destination', () => {
  it('settles as the step does while the destination is open', async () => {
    const done = deferred<void>();
    const end = new DestinationEnd(done.promise);
    await expect(end.or(Promise.resolve(42))).resolves.toBe(42);
    await expect(end.or(Promise.reject(new Error('write failed')))).rejects.toThrow('write failed');
    await expect(end.or(undefined)).resolves.toBeUndefined();
  });

  it('ends a pending step with ENDED when the destination finishes first', async () => {
    const done = deferred<void>();
    const end = new DestinationEnd(done.promise);
    const step = deferred<number>();
    const raced = end.or(step.promise);
    done.resolve();
    await expect(raced).resolves.toBe(ENDED);
    step.resolve(1); // settling later changes nothing
    await expect(raced).resolves.toBe(ENDED);
    await expect(end.or(new Promise<number>(() => undefined))).resolves.toBe(ENDED); // a step that never settles
  });

  it("rejects a pending step with the destination's error when it fails first, and every later step", async () => {
    const done = deferred<void>();
    const end = new DestinationEnd(done.promise);
    const raced = end.or(new Promise<number>(() => undefined));
    done.reject(new Error('socket hang up'));
    await expect(raced).rejects.toThrow('socket hang up');
    await expect(end.or(Promise.resolve(1))).rejects.toThrow('socket hang up');
  });

  it('wakes the step that is waiting, not one that already settled', async () => {
    const done = deferred<void>();
    const end = new DestinationEnd(done.promise);
    await expect(end.or(Promise.resolve('first'))).resolves.toBe('first');
    const second = end.or(new Promise<string>(() => undefined));
    done.resolve();
    await expect(second).resolves.toBe(ENDED);
  });
});
