/**
 * The four anomalous-download signals of issue 10 point 3, as pure functions over one artifact's recent downloads.
 * Each returns a sub-score in [0.5, 1] (0.5 = just over its threshold) and a reason carrying the numbers, or null.
 * Thresholds are chosen so organic traffic — many people at irregular (Poisson-like) intervals — never reaches them;
 * the unit tests (traffic-anomaly.spec.ts) hold synthetic organic timelines to that.
 */

export interface TrafficEvent {
  /** Epoch milliseconds. */
  at: number;
  actor: string;
  /** Client address as the gateway saw it; null for events recorded before the address was carried. */
  address: string | null;
}

export interface TrafficSignal {
  kind: 'burst' | 'few-identities' | 'metronomic' | 'bot-farm';
  score: number;
  reason: string;
}

const MINUTE = 60_000;
/** A burst needs at least this many downloads in one minute, whatever the baseline. */
export const BURST_FLOOR = 20;
/** …and a peak this many times the artifact's own per-minute baseline. */
export const BURST_RATIO = 10;
/** Above this per-minute rate a peak is a burst even against a high baseline. */
export const BURST_ABSOLUTE = 300;
/** Baseline used when the artifact has no traffic outside its peak minute (a brand-new artifact). */
const MIN_BASELINE_PER_MINUTE = 0.1;
/**
 * When the record holds an artifact's whole download history, its baseline is spread over at least this many
 * minutes: a brand-new artifact whose only traffic is a burst is measured against an hour, not against the burst.
 */
export const BASELINE_MINUTES = 60;
/** Few identities: at most this many distinct actors (or addresses)… */
export const FEW_MAX = 3;
/** …each accounting for at least this many downloads on average. */
export const FEW_PER_IDENTITY = 10;
/** Metronomic: at least this many downloads (one identity, or all together) at nearly constant intervals. */
export const METRONOME_MIN = 12;
/** Inter-arrival coefficient of variation at or below which the timing is machine-like (organic ≈ 1). */
export const METRONOME_MAX_CV = 0.1;
/** Bot farm: at least this many distinct actors behind one address, most of them one-shot… */
export const FARM_MIN_ACTORS = 10;
/** …one-shot meaning at most this many downloads each in the window. */
const FARM_ONE_SHOT = 2;
/** Bot farm by timing: at least this many actors with the same inter-download gaps (rounded to the second). */
export const FARM_SAME_TIMING = 5;

const clamp = (x: number): number => Math.min(1, Math.max(0.5, x));
const fmt = (x: number, digits = 1): string => (Number.isInteger(x) ? String(x) : x.toFixed(digits));

function groupBy<K>(events: readonly TrafficEvent[], key: (e: TrafficEvent) => K): Map<K, TrafficEvent[]> {
  const groups = new Map<K, TrafficEvent[]>();
  for (const e of events) {
    const k = key(e);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [e]);
    else group.push(e);
  }
  return groups;
}

/**
 * Peak downloads in one calendar minute against the artifact's rate in its other minutes. `wholeHistory`: the events
 * are every download the artifact ever had (else older ones fell out of the rolling record and the span is all we know).
 */
export function burstSignal(events: readonly TrafficEvent[], wholeHistory: boolean): TrafficSignal | null {
  if (events.length < BURST_FLOOR) return null;
  const buckets = groupBy(events, (e) => Math.floor(e.at / MINUTE));
  let peakMinute = 0;
  let peak = 0;
  for (const [minute, group] of buckets) if (group.length > peak) [peakMinute, peak] = [minute, group.length];
  if (peak < BURST_FLOOR) return null;
  const first = Math.floor((events[0]?.at ?? 0) / MINUTE);
  const last = Math.floor((events.at(-1)?.at ?? 0) / MINUTE);
  const span = last - first; // the observed minutes without the peak minute
  const otherMinutes = wholeHistory ? Math.max(BASELINE_MINUTES, span) : span;
  const baseline = Math.max(MIN_BASELINE_PER_MINUTE, otherMinutes > 0 ? (events.length - peak) / otherMinutes : 0);
  const ratio = peak / baseline;
  if (ratio < BURST_RATIO && peak < BURST_ABSOLUTE) return null;
  return {
    kind: 'burst',
    score: clamp(0.5 + 0.25 * Math.log10(ratio / BURST_RATIO)),
    reason: `burst: ${peak} downloads in the minute from ${new Date(peakMinute * MINUTE).toISOString()}, ${fmt(Math.round(ratio))}× its baseline of ${fmt(baseline, 2)} per minute`,
  };
}

/** Many downloads from very few actors, or from very few client addresses. */
export function fewIdentitiesSignal(events: readonly TrafficEvent[]): TrafficSignal | null {
  if (events.length < FEW_MAX * FEW_PER_IDENTITY) return null;
  const actors = groupBy(events, (e) => e.actor);
  const addressed = events.filter((e) => e.address !== null);
  const addresses = groupBy(addressed, (e) => e.address);
  const byActor = actors.size <= FEW_MAX ? events.length / actors.size : 0;
  const byAddress = addressed.length >= FEW_MAX * FEW_PER_IDENTITY && addresses.size <= FEW_MAX ? addressed.length / addresses.size : 0;
  const perIdentity = Math.max(byActor, byAddress);
  if (perIdentity < FEW_PER_IDENTITY) return null;
  const names = [...actors.keys()].slice(0, FEW_MAX).map((a) => `'${a.slice(0, 64)}'`).join(', ');
  const rates = [byActor > 0 ? `${fmt(Math.round(byActor))} per actor` : '', byAddress > 0 ? `${fmt(Math.round(byAddress))} per address` : ''];
  return {
    kind: 'few-identities',
    score: clamp(0.5 + 0.25 * Math.log10(perIdentity / FEW_PER_IDENTITY)),
    reason:
      `few identities: ${events.length} downloads from ${actors.size} actor${actors.size === 1 ? '' : 's'}` +
      (actors.size <= FEW_MAX ? ` (${names})` : '') +
      (addressed.length > 0 ? ` and ${addresses.size} client address${addresses.size === 1 ? '' : 'es'}` : '') +
      `, ${rates.filter((r) => r !== '').join(' and ')}`,
  };
}

/** Coefficient of variation of the gaps between consecutive timestamps (sorted); null when it is undefined. */
export function interArrivalCv(times: readonly number[]): { cv: number; meanMs: number } | null {
  if (times.length < 3) return null;
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean <= 0) return null;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
  return { cv: Math.sqrt(variance) / mean, meanMs: mean };
}

/** Nearly constant intervals, over all downloads or for one actor (a bot hidden among organic users). */
export function metronomicSignal(events: readonly TrafficEvent[]): TrafficSignal | null {
  const streams: [string, TrafficEvent[]][] = [['all downloads', [...events]]];
  for (const [actor, group] of groupBy(events, (e) => e.actor)) streams.push([`'${actor.slice(0, 64)}'`, group]);
  let best: { who: string; n: number; cv: number; meanMs: number } | null = null;
  for (const [who, group] of streams) {
    if (group.length < METRONOME_MIN) continue;
    const stats = interArrivalCv(group.map((e) => e.at));
    if (stats === null || stats.cv > METRONOME_MAX_CV) continue;
    if (best === null || stats.cv < best.cv) best = { who, n: group.length, ...stats };
  }
  if (best === null) return null;
  return {
    kind: 'metronomic',
    score: clamp(1 - (0.5 * best.cv) / METRONOME_MAX_CV),
    reason: `metronomic: ${best.n} downloads (${best.who}) every ${fmt(best.meanMs / 1000, 2)} s, inter-arrival coefficient of variation ${best.cv.toFixed(3)} over ${best.n - 1} intervals`,
  };
}

/** Many one-shot actors behind one address, or many actors downloading with identical timing. */
export function botFarmSignal(events: readonly TrafficEvent[]): TrafficSignal | null {
  const actors = groupBy(events, (e) => e.actor);
  let reason = '';
  let strength = 0;
  for (const [address, group] of groupBy(events.filter((e) => e.address !== null), (e) => e.address)) {
    const onAddress = new Set(group.map((e) => e.actor));
    const oneShot = [...onAddress].filter((a) => (actors.get(a)?.length ?? 0) <= FARM_ONE_SHOT).length;
    if (onAddress.size < FARM_MIN_ACTORS || oneShot * 5 < onAddress.size * 4) continue;
    const s = onAddress.size / FARM_MIN_ACTORS;
    if (s <= strength) continue;
    strength = s;
    reason = `bot farm: ${onAddress.size} distinct actors from client address ${String(address).slice(0, 64)}, ${oneShot} of them with at most ${FARM_ONE_SHOT} downloads`;
  }
  const signatures = new Map<string, number>();
  for (const group of actors.values()) {
    if (group.length < 3) continue;
    const key = group.slice(1).map((e, i) => Math.round((e.at - (group[i]?.at ?? e.at)) / 1000)).join(',');
    signatures.set(key, (signatures.get(key) ?? 0) + 1);
  }
  for (const [key, count] of signatures) {
    if (count < FARM_SAME_TIMING || count / FARM_SAME_TIMING <= strength) continue;
    strength = count / FARM_SAME_TIMING;
    const gaps = key.split(',');
    reason = `bot farm: ${count} actors download with identical timing (gaps ${gaps.slice(0, 5).join(' s, ')} s${gaps.length > 5 ? ', …' : ''})`;
  }
  if (strength === 0) return null;
  return { kind: 'bot-farm', score: clamp(0.5 + 0.25 * Math.log2(strength)), reason };
}
