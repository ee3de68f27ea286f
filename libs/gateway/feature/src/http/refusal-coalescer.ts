export interface CoalescerLimits {
  /** Identical refusals (same key) within this window after a recorded one are counted, not recorded. */
  windowMs: number;
  /** Distinct keys tracked at once; refusals of further keys count towards the flood entry. */
  maxKeys: number;
  /** Entries recorded per window across all keys; refusals beyond it count towards the flood entry. */
  maxEntriesPerWindow: number;
}

/** Something to record: the facts of a refusal; the entry stands for `1 + suppressed` refusals answered. */
export interface Coalesced<T> {
  facts: T;
  /** Refusals this entry stands for beyond the one whose facts it carries (coalesced repeats). */
  suppressed: number;
  /** True for the one entry standing for refusals beyond the key or entry budget (their facts are the last one's). */
  flood: boolean;
}

interface KeyWindow<T> {
  startedAt: number;
  suppressed: number;
  last: T;
}

/**
 * Turns a flood of refusals into a bounded number of log entries. Per key (identity or address, plus reason) the first
 * refusal of a window is recorded at once; repeats inside the window are counted and recorded as one entry carrying
 * the count once the window ends (every entry stands for `1 + suppressed` refusals, so the sum over entries is the
 * number of refusals answered). Across keys at most `maxEntriesPerWindow` entries are recorded per window and at
 * most `maxKeys` keys are tracked: past either bound, refusals are counted into a single flood entry per window.
 * So N refusals in a window cost at most min(N, maxEntriesPerWindow) + maxKeys + 1 writes, whatever N is. Pure and
 * clock-driven (`now` is passed in), so tests drive it without timers.
 */
export class RefusalCoalescer<T> {
  private readonly windows = new Map<string, KeyWindow<T>>();
  private budgetWindowStart = Number.NEGATIVE_INFINITY;
  private budgetUsed = 0;
  private overflow: { count: number; last: T } | null = null;

  constructor(private readonly limits: CoalescerLimits) {}

  /** The entry to record now for this refusal, or null when it is only counted. */
  offer(key: string, facts: T, now: number): Coalesced<T> | null {
    const window = this.windows.get(key);
    if (window !== undefined && now - window.startedAt < this.limits.windowMs) {
      window.suppressed++;
      window.last = facts;
      return null;
    }
    if ((window === undefined && this.windows.size >= this.limits.maxKeys) || !this.takeBudget(now)) {
      this.overflow = { count: (this.overflow?.count ?? 0) + 1, last: facts };
      return null;
    }
    // A key whose window has ended carries its uncounted repeats into this entry.
    const carried = window?.suppressed ?? 0;
    this.windows.set(key, { startedAt: now, suppressed: 0, last: facts });
    return { facts, suppressed: carried, flood: false };
  }

  /** Entries due at `now`: ended windows with uncounted repeats, and the flood entry once the budget window ends. */
  due(now: number): Coalesced<T>[] {
    const out: Coalesced<T>[] = [];
    for (const [key, window] of this.windows) {
      if (now - window.startedAt < this.limits.windowMs) continue;
      this.windows.delete(key);
      // The repeats' entry carries the last repeat's facts and stands for all of them.
      if (window.suppressed > 0) out.push({ facts: window.last, suppressed: window.suppressed - 1, flood: false });
    }
    if (this.overflow !== null && now - this.budgetWindowStart >= this.limits.windowMs) {
      out.push({ facts: this.overflow.last, suppressed: this.overflow.count - 1, flood: true });
      this.overflow = null;
    }
    return out;
  }

  /** Everything still counted, whatever the time (shutdown: nothing counted is lost). */
  drain(): Coalesced<T>[] {
    return this.due(Number.POSITIVE_INFINITY);
  }

  /** Keys tracked now (tests, bounds). */
  get size(): number {
    return this.windows.size;
  }

  private takeBudget(now: number): boolean {
    if (now - this.budgetWindowStart >= this.limits.windowMs) {
      this.budgetWindowStart = now;
      this.budgetUsed = 0;
    }
    if (this.budgetUsed >= this.limits.maxEntriesPerWindow) return false;
    this.budgetUsed++;
    return true;
  }
}
