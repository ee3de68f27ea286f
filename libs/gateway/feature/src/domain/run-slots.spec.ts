import { describe, expect, it } from 'vitest';
import { ClientError } from './client-error';
import { RunSlots } from './run-slots';

const busy = () => new ClientError(503, 'busy', { 'Retry-After': '2' });

describe('RunSlots', () => {
  it('never runs more than its bound and hands slots to waiters in order', async () => {
    const slots = new RunSlots(2, 5, 1_000, busy);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    expect(slots.active).toBe(2);
    a();
    a(); // releasing twice gives back one slot only
    const releaseC = await c;
    expect(slots.active).toBe(2);
    b();
    releaseC();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.active).toBe(0);
  });

  it('answers 503 with Retry-After when the queue is full or the wait runs out', async () => {
    const slots = new RunSlots(1, 1, 50, busy);
    await slots.acquire();
    const waiting = slots.acquire();
    await expect(slots.acquire()).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '2' } });
    await expect(waiting).rejects.toBeInstanceOf(ClientError);
    expect(slots.active).toBe(1);
  });
});
