/** Wall-clock time in milliseconds. Injected so token expiry and login windows can be tested without sleeping. */
export interface Clock {
  now(): number;
}

export const GATEWAY_CLOCK = Symbol('GATEWAY_CLOCK');

export const systemClock: Clock = { now: () => Date.now() };
