import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../wire-message';
import { InProcessBroker } from './in-process-broker';

const msg = (topic: string, key: string, n: number) => ({ topic, key, value: JSON.stringify({ n }), headers: { n: String(n) } });

describe('InProcessBroker', () => {
  it('delivers asynchronously, never inside send()', async () => {
    const broker = new InProcessBroker();
    const seen: number[] = [];
    broker.subscribe('g', ['t'], async (m) => void seen.push(Number(m.headers.n)));
    await broker.send([msg('t', 'k', 1)]);
    expect(seen).toEqual([]);
    await broker.whenIdle();
    expect(seen).toEqual([1]);
  });

  it('gives every group every message, in publish order across topics', async () => {
    const broker = new InProcessBroker();
    const a: number[] = [];
    const b: number[] = [];
    broker.subscribe('a', ['t1', 't2'], async (m) => void a.push(Number(m.headers.n)));
    broker.subscribe('b', ['t2'], async (m) => void b.push(Number(m.headers.n)));
    await broker.send([msg('t1', 'k', 1), msg('t2', 'k', 2), msg('t1', 'k', 3)]);
    await broker.whenIdle();
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([2]);
  });

  it('lets a new group read from the beginning and a re-subscribed group resume after its last commit', async () => {
    const broker = new InProcessBroker();
    await broker.send([msg('t', 'k', 1), msg('t', 'k', 2)]);
    const first: number[] = [];
    const stop = broker.subscribe('g', ['t'], async (m) => void first.push(Number(m.headers.n)));
    await broker.whenIdle();
    stop();
    await broker.send([msg('t', 'k', 3)]);
    const second: number[] = [];
    broker.subscribe('g', ['t'], async (m) => void second.push(Number(m.headers.n)));
    await broker.whenIdle();
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([3]);
  });

  it('redelivers a message whose handler throws, without skipping ahead', async () => {
    const broker = new InProcessBroker();
    const seen: number[] = [];
    let failures = 1;
    broker.subscribe('g', ['t'], async (m: IncomingMessage) => {
      if (m.headers.n === '1' && failures-- > 0) throw new Error('consumer could not even dead-letter');
      seen.push(Number(m.headers.n));
    });
    await broker.send([msg('t', 'k', 1), msg('t', 'k', 2)]);
    await broker.whenIdle();
    expect(seen).toEqual([1, 2]);
  });

  it('hands every consumer its own copy (no shared mutation)', async () => {
    const broker = new InProcessBroker();
    const headers: Array<Record<string, string>> = [];
    broker.subscribe('a', ['t'], async (m) => {
      m.headers.n = 'mutated';
      headers.push(m.headers);
    });
    broker.subscribe('b', ['t'], async (m) => void headers.push(m.headers));
    await broker.send([msg('t', 'k', 7)]);
    await broker.whenIdle();
    expect(headers.map((h) => h.n).sort()).toEqual(['7', 'mutated']);
    expect(broker.messages('t')[0].headers.n).toBe('7');
  });

  it('refuses a second consumer in one group', () => {
    const broker = new InProcessBroker();
    broker.subscribe('g', ['t'], async () => undefined);
    expect(() => broker.subscribe('g', ['t'], async () => undefined)).toThrow(/already has a consumer/);
  });
});
