import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SendBufferPool } from './send-buffers';

describe('SendBufferPool', () => {
  it('lends at most its bound, then says no instead of allocating', () => {
    const pool = new SendBufferPool(1024, 3, 60_000);
    const lent = [pool.take(), pool.take(), pool.take()];
    expect(lent.every((b) => b?.length === 1024)).toBe(true);
    expect(new Set(lent).size).toBe(3);
    expect(pool.take()).toBeNull();
    expect(pool.lent).toBe(3);
  });

  it('hands a given-back buffer to the next taker; a dropped one is not kept but frees its place', () => {
    const pool = new SendBufferPool(1024, 2, 60_000);
    const a = pool.take() as Buffer;
    const b = pool.take() as Buffer;
    pool.give(a);
    pool.drop();
    expect({ lent: pool.lent, kept: pool.keptCount }).toEqual({ lent: 0, kept: 1 });
    expect(pool.take()).toBe(a);
    const fresh = pool.take();
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(b);
    expect(pool.take()).toBeNull();
  });

  it('lets its kept buffers go once nothing has been lent for the idle time, not while a loan is out', async () => {
    const pool = new SendBufferPool(1024, 4, 40);
    const a = pool.take() as Buffer;
    const b = pool.take() as Buffer;
    pool.give(a);
    await sleep(80);
    expect(pool.keptCount).toBe(1); // b is still lent: the pool is not idle
    pool.give(b);
    expect(pool.keptCount).toBe(2);
    await sleep(20);
    expect(pool.take()).toBe(b); // taken within the idle time: kept, and the pending let-go is called off
    pool.give(b);
    await sleep(80);
    expect({ lent: pool.lent, kept: pool.keptCount }).toEqual({ lent: 0, kept: 0 });
  });
});
