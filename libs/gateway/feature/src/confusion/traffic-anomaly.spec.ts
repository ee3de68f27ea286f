import { seededRandom as prng } from '@modelguard/testing';
import { describe, expect, it } from 'vitest';
import { analyzeTraffic, combineScores, type TrafficEvent } from './traffic-anomaly';
import { interArrivalCv } from './traffic-signals';

const T0 = Date.parse('2026-11-02T08:00:00Z');
const MIN = 60_000;

/**
 * Organic traffic: Poisson arrivals at `perMinute`, from a population of `people` whose activity is skewed (a few
 * heavy users, a long tail), each with a home address shared by at most a handful of people.
 */
function organic(seed: number, n: number, perMinute: number, people: number, start = T0): TrafficEvent[] {
  const random = prng(seed);
  const events: TrafficEvent[] = [];
  let at = start;
  for (let i = 0; i < n; i++) {
    at += (-Math.log(1 - random()) / perMinute) * MIN;
    const person = Math.floor(people * random() ** 2);
    events.push({ at: Math.round(at), actor: `user-${person}`, address: `198.51.${person % 250}.${(person * 7) % 200}` });
  }
  return events;
}

function every(n: number, gapMs: number, start: number, actor: (i: number) => string, address: (i: number) => string | null): TrafficEvent[] {
  return Array.from({ length: n }, (_, i) => ({ at: start + i * gapMs, actor: actor(i), address: address(i) }));
}

describe('analyzeTraffic: organic traffic is not flagged', () => {
  it.each([
    ['a popular model, 2 downloads a minute for 8 hours, 400 people', organic(1, 1000, 2, 400)],
    ['a very popular model, 40 a minute, 2,000 people', organic(2, 1000, 40, 2000)],
    ['a niche model, 40 downloads over a week by 15 people', organic(3, 40, 40 / (7 * 24 * 60), 15)],
    ['a trickle of 11 downloads from one person (below every minimum)', every(11, 1000, T0, () => 'me', () => '192.0.2.1')],
  ])('%s', (_label, events) => {
    expect(analyzeTraffic(events)).toBeNull();
  });

  it('a surge of 200 a minute from 5,000 people, the rolling record holding only its last 5 minutes', () => {
    expect(analyzeTraffic(organic(11, 1000, 200, 5000), false)).toBeNull();
  });

  it('an office of 8 people behind one NAT address, each downloading once, among organic traffic', () => {
    const office = Array.from({ length: 8 }, (_, i) => ({ at: T0 + i * 7 * MIN + i * i * 1000, actor: `staff-${i}`, address: '203.0.113.10' }));
    expect(analyzeTraffic([...organic(4, 300, 1, 200), ...office])).toBeNull();
  });

  it('many organic timelines with different seeds stay below every threshold', () => {
    for (let seed = 10; seed < 40; seed++) expect(analyzeTraffic(organic(seed, 500, 1 + (seed % 7) * 5, 100 + seed * 10)), `seed ${seed}`).toBeNull();
  });
});

describe('analyzeTraffic: anomalies, each with its numbers', () => {
  it('a burst: 60 downloads in one minute against a baseline of about 0.4 per minute', () => {
    const burst = every(60, 900, T0 + 300 * MIN + 1000, (i) => `user-${i % 40}`, (i) => `198.51.100.${i % 40}`);
    const result = analyzeTraffic([...organic(5, 200, 0.4, 150), ...burst]);
    expect(result?.signals.map((s) => s.kind)).toEqual(['burst']);
    expect(result!.signals[0]!.reason).toMatch(/^burst: 6\d downloads in the minute from 2026-11-02T13:00:00\.000Z, \d+× its baseline of 0\.[34]\d per minute$/);
    expect(result!.score).toBeGreaterThan(0.6);
  });

  it('few identities: 50 downloads by one actor from one address at irregular times', () => {
    const random = prng(6);
    const events = Array.from({ length: 50 }, () => ({ at: T0 + Math.round(random() * 24 * 60 * MIN), actor: 'mirror', address: '192.0.2.7' }));
    const result = analyzeTraffic(events);
    expect(result?.signals.map((s) => s.kind)).toEqual(['few-identities']);
    expect(result!.signals[0]!.reason).toBe("few identities: 50 downloads from 1 actor ('mirror') and 1 client address, 50 per actor and 50 per address");
  });

  it('metronomic: one bot every 60 s hidden among organic users', () => {
    const bot = every(30, 60_000, T0 + 17_000, () => 'cron-bot', () => '192.0.2.9');
    const result = analyzeTraffic([...organic(7, 400, 1, 300), ...bot]);
    expect(result?.signals.map((s) => s.kind)).toEqual(['metronomic']);
    expect(result!.signals[0]!.reason).toBe("metronomic: 30 downloads ('cron-bot') every 60 s, inter-arrival coefficient of variation 0.000 over 29 intervals");
    expect(result!.signals[0]!.score).toBe(1);
  });

  it('bot farm: 25 fresh one-shot actors from one address', () => {
    const farm = every(25, 37_000, T0 + 5 * MIN, (i) => `acct-${i}`, () => '203.0.113.66');
    const result = analyzeTraffic([...organic(8, 200, 0.5, 150), ...farm]);
    expect(result?.signals.map((s) => s.kind)).toContain('bot-farm');
    expect(result!.signals.find((s) => s.kind === 'bot-farm')!.reason).toBe('bot farm: 25 distinct actors from client address 203.0.113.66, 25 of them with at most 2 downloads');
  });

  it('bot farm: six actors with identical timing from different addresses', () => {
    const farm = Array.from({ length: 6 }, (_, k) => every(4, 90_000, T0 + k * 11 * MIN, () => `sock-${k}`, () => `198.18.0.${k}`)).flat();
    const result = analyzeTraffic([...organic(9, 100, 0.2, 90), ...farm]);
    expect(result?.signals.map((s) => s.kind)).toEqual(['bot-farm']);
    expect(result!.signals[0]!.reason).toBe('bot farm: 6 actors download with identical timing (gaps 90 s, 90 s, 90 s)');
  });

  it('a new artifact whose whole history is a burst from two identities at 2 s intervals trips three signals', () => {
    const events = every(40, 2000, T0, (i) => `bot-${i % 2}`, () => '192.0.2.50');
    const result = analyzeTraffic(events)!;
    expect(result.signals.map((s) => s.kind).sort()).toEqual(['burst', 'few-identities', 'metronomic']);
    expect(result.score).toBe(combineScores(result.signals.map((s) => s.score)));
    expect(result.score).toBeGreaterThanOrEqual(Math.max(...result.signals.map((s) => s.score)));
    // The same 40 downloads as the tail of a longer, truncated record: only the span is known, so no burst.
    expect(analyzeTraffic(events, false)?.signals.map((s) => s.kind).sort()).toEqual(['few-identities', 'metronomic']);
  });

  it('identical timestamps are a burst, not a division by zero', () => {
    const result = analyzeTraffic(every(30, 0, T0, (i) => `x-${i}`, () => null));
    expect(result?.signals.map((s) => s.kind)).toEqual(['burst']);
    expect(interArrivalCv([T0, T0, T0])).toBeNull();
  });
});

describe('combineScores', () => {
  it('is a noisy-or: one score stays itself, two add up below 1', () => {
    expect(combineScores([0.6])).toBe(0.6);
    expect(combineScores([0.5, 0.5])).toBe(0.75);
    expect(combineScores([])).toBe(0);
  });
});
