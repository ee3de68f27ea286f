import { describe, expect, it } from 'vitest';
import { BuildFlights, type FlightTurn } from './build-flights';

function leaderOf<T>(turn: FlightTurn<T>): (value: T | null) => void {
  if (turn.kind !== 'leader') throw new Error(`expected to lead, got ${turn.kind}`);
  return turn.settle;
}

describe('BuildFlights', () => {
  it('lets one request build a key while the others wait for its value', async () => {
    const flights = new BuildFlights<string>(60_000);
    const settle = leaderOf(await flights.join('k'));
    const waiters = [flights.join('k'), flights.join('k'), flights.join('k')];
    expect(flights.waiting).toBe(3);
    // Another key is built independently.
    expect((await flights.join('other')).kind).toBe('leader');
    settle('zip');
    expect(await Promise.all(waiters)).toEqual([...Array(3)].map(() => ({ kind: 'shared', value: 'zip' })));
    expect(flights.waiting).toBe(0);
    // Settled: the key is free again (the next request looks the cache up itself, as a leader).
    expect((await flights.join('k')).kind).toBe('leader');
  });

  it('hands a failed build to exactly one waiter; the others wait for that one', async () => {
    const flights = new BuildFlights<string>(60_000);
    const first = leaderOf(await flights.join('k'));
    const turns: FlightTurn<string>[] = [];
    const waiters = [0, 1, 2].map(() => flights.join('k').then((t) => turns.push(t)));
    first(null);
    await expect.poll(() => turns.length).toBe(1);
    const second = leaderOf(turns[0] ?? { kind: 'shared', value: '' });
    expect(flights.waiting).toBe(2);
    second('rebuilt');
    await Promise.all(waiters);
    expect(turns.slice(1)).toEqual([
      { kind: 'shared', value: 'rebuilt' },
      { kind: 'shared', value: 'rebuilt' },
    ]);
    first('late'); // settling twice is a no-op
  });

  it('stops waiting on a build past the bound: one waiter takes the key over, the old build cannot release it', async () => {
    const flights = new BuildFlights<string>(0);
    const stalled = leaderOf(await flights.join('k'));
    const [a, b] = await Promise.all([flights.join('k'), flights.join('k')]);
    // Both waited on the stalled build; the first back leads, the second waits on (and times out of) the new one too.
    expect(a?.kind).toBe('leader');
    expect(b?.kind).toBe('leader');
    stalled('old'); // the replaced build ends late: it must not free the key of the build that replaced it
    const next = flights.join('k');
    expect(flights.waiting).toBe(1);
    leaderOf(b ?? { kind: 'shared', value: '' })('new');
    expect(await next).toEqual({ kind: 'shared', value: 'new' });
  });
});
