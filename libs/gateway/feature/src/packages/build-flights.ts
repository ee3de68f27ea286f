/** What join() hands a request: the value a build it waited for produced, or the build itself to run. */
export type FlightTurn<T> = { kind: 'shared'; value: T } | { kind: 'leader'; settle: (value: T | null) => void };

interface Flight<T> {
  result: Promise<T | null>;
  /** Waiters stop waiting on this build at this time (ms since the epoch) and one of them takes it over. */
  deadline: number;
}

const TIMED_OUT = Symbol('timed out');

/**
 * In-process single-flight with a bounded wait (issue 13: 100 simultaneous first downloads of a fresh version each
 * assembled the same zip). The first request for a key leads: it builds and must call settle() exactly once, with
 * the value (then everyone waiting gets it) or null (the build failed, or its client went away). Later requests for
 * the key wait for that value. When the leader fails, the waiters loop and the first of them to resume leads the
 * next build (one rebuild, not one per waiter; each waiter would otherwise assemble the same bytes again).
 *
 * The wait is bounded (`waitMs` from the build's start, the same deadline for all its waiters): the leader's build
 * runs at its own client's pace (the zip is teed to the cache and to that client), so a slow or stalled client
 * would otherwise stall every waiter. At the deadline the first waiter to resume takes the key over and builds
 * again; the old build goes on for its own client and whichever commits first is kept. So a stalled leader costs at
 * most one more build per `waitMs`, never a stampede, and nobody waits on it longer than `waitMs`.
 */
export class BuildFlights<T> {
  private readonly flights = new Map<string, Flight<T>>();
  private waitingNow = 0;

  constructor(
    private readonly waitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests waiting on a build right now (a gauge for /metrics). */
  get waiting(): number {
    return this.waitingNow;
  }

  async join(key: string): Promise<FlightTurn<T>> {
    for (;;) {
      const flight = this.flights.get(key);
      if (flight === undefined) return { kind: 'leader', settle: this.claim(key) };
      const outcome = await this.waitFor(flight);
      if (outcome !== null && outcome !== TIMED_OUT) return { kind: 'shared', value: outcome };
      // Timed out: the first waiter back replaces the slow build (the others find its flight and wait on that).
      if (outcome === TIMED_OUT && this.flights.get(key) === flight) return { kind: 'leader', settle: this.claim(key) };
      // The build failed (its entry is gone) or another waiter took over: look again.
    }
  }

  private claim(key: string): (value: T | null) => void {
    let resolve: (value: T | null) => void = () => undefined;
    const result = new Promise<T | null>((r) => (resolve = r));
    const flight: Flight<T> = { result, deadline: this.now() + this.waitMs };
    this.flights.set(key, flight);
    let settled = false;
    return (value) => {
      if (settled) return;
      settled = true;
      // Removed before the waiters resume, so the first of them finds the key free when the build failed.
      if (this.flights.get(key) === flight) this.flights.delete(key);
      resolve(value);
    };
  }

  private async waitFor(flight: Flight<T>): Promise<T | null | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, flight.deadline - this.now()));
    });
    this.waitingNow++;
    try {
      return await Promise.race([flight.result, timeout]);
    } finally {
      this.waitingNow--;
      clearTimeout(timer);
    }
  }
}
