import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsumerRestarter, type RestartableConsumer } from './consumer-restarter';

/** A consumer whose next `failures` starts fail (broker still down), then succeed. */
function flakyConsumer(failures: number) {
  const calls = { starts: 0, disconnects: 0 };
  const consumer: RestartableConsumer = {
    connectAndRun: async () => {
      calls.starts += 1;
      if (calls.starts <= failures) throw new Error('connect ECONNREFUSED');
    },
    disconnect: async () => {
      calls.disconnects += 1;
    },
  };
  return { consumer, calls };
}

describe('ConsumerRestarter', () => {
  afterEach(() => vi.useRealTimers());

  it('leaves a crash kafkajs will restart by itself alone', async () => {
    vi.useFakeTimers();
    const { consumer, calls } = flakyConsumer(0);
    const restarter = new ConsumerRestarter(consumer, { backoff: { initialMs: 100 } });
    restarter.onCrash(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.starts).toBe(0);
  });

  it('restarts a consumer kafkajs gave up on, retrying with backoff while the broker is down', async () => {
    vi.useFakeTimers();
    const { consumer, calls } = flakyConsumer(2);
    const delays: number[] = [];
    let restartedAfter = 0;
    const restarter = new ConsumerRestarter(consumer, {
      backoff: { initialMs: 100, maxMs: 1_000 },
      onRestartFailed: (_e, next) => delays.push(next),
      onRestarted: (attempts) => (restartedAfter = attempts),
    });
    restarter.onCrash(false);
    restarter.onCrash(false); // a second crash report while a restart is pending does not double it
    await vi.advanceTimersByTimeAsync(99);
    expect(calls.starts).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + 200 + 400);
    expect(calls.starts).toBe(3);
    expect(calls.disconnects).toBe(2);
    expect(delays).toEqual([200, 400]);
    expect(restartedAfter).toBe(3);
  });

  it('stops trying once closed', async () => {
    vi.useFakeTimers();
    const { consumer, calls } = flakyConsumer(100);
    const restarter = new ConsumerRestarter(consumer, { backoff: { initialMs: 100 } });
    restarter.onCrash(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.starts).toBe(1);
    restarter.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.starts).toBe(1);
  });

  it('a first start without a broker does not throw: it is retried with the same backoff until the consumer runs', async () => {
    vi.useFakeTimers();
    const { consumer, calls } = flakyConsumer(2);
    const delays: number[] = [];
    const restarter = new ConsumerRestarter(consumer, { backoff: { initialMs: 100 }, onRestartFailed: (_e, next) => delays.push(next) });
    await expect(restarter.start(1_000)).resolves.toBe(false);
    expect(calls.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(calls.starts).toBe(3);
    expect(delays).toEqual([100, 200]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.starts).toBe(3); // running: no further attempts
  });

  it('a first start that succeeds resolves true and schedules nothing', async () => {
    vi.useFakeTimers();
    const { consumer, calls } = flakyConsumer(0);
    const restarter = new ConsumerRestarter(consumer, { backoff: { initialMs: 100 } });
    await expect(restarter.start(1_000)).resolves.toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.starts).toBe(1);
  });
});
