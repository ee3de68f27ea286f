import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envInt, envWorkerId, heartbeatIntervalFor, parseSettingsEnv, uniqueWorkerId } from './worker-settings';

const ENV = z.object({ X_COUNT: envInt(1, 64), X_DELAY_MS: envInt(0, 1_000), X_WORKER_ID: envWorkerId });

describe('parseSettingsEnv with envInt / envWorkerId', () => {
  it('accepts plain integers within bounds and leaves unset variables undefined', () => {
    expect(parseSettingsEnv(ENV, { X_COUNT: '64', X_DELAY_MS: '0', X_WORKER_ID: 'scan-a.1:b_c' }, 'x')).toEqual({
      X_COUNT: 64,
      X_DELAY_MS: 0,
      X_WORKER_ID: 'scan-a.1:b_c',
    });
    expect(parseSettingsEnv(ENV, { UNRELATED: 'whatever' }, 'x')).toEqual({});
  });

  it.each(['0', '65', '-1', '2e3', '0x10', ' 5', '5 ', '1.5', '', 'NaN', '99999999999999999999'])('refuses X_COUNT=%j', (value) => {
    expect(() => parseSettingsEnv(ENV, { X_COUNT: value }, 'x')).toThrow(/^invalid x settings: X_COUNT: /);
  });

  it.each(['a b', 'a;drop', '', 'x'.repeat(101), 'ü'])('refuses worker id %j', (value) => {
    expect(() => parseSettingsEnv(ENV, { X_WORKER_ID: value }, 'x')).toThrow(/X_WORKER_ID: letters, digits/);
  });

  it('lists every problem at once, so one restart fixes them all', () => {
    let message = '';
    try {
      parseSettingsEnv(ENV, { X_COUNT: '0', X_DELAY_MS: 'soon', X_WORKER_ID: 'a b' }, 'x');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid x settings: /);
    expect(message).toMatch(/X_COUNT: .*; X_DELAY_MS: must be an integer; X_WORKER_ID: letters/);
  });
});

describe('uniqueWorkerId', () => {
  it('is unique per call, prefixed, and itself a valid worker id', () => {
    const a = uniqueWorkerId('ingest-');
    const b = uniqueWorkerId('ingest-');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^ingest-[A-Za-z0-9._-]{1,60}-${process.pid}-[0-9a-f]{6}$`));
    expect(envWorkerId.safeParse(uniqueWorkerId()).success).toBe(true);
  });
});

describe('heartbeatIntervalFor', () => {
  it('beats three times per lease, but never more often than the floor', () => {
    expect(heartbeatIntervalFor(60_000, 250)).toBe(20_000);
    expect(heartbeatIntervalFor(3_000, 250)).toBe(1_000);
    expect(heartbeatIntervalFor(1_000, 100)).toBe(333);
    expect(heartbeatIntervalFor(300, 250)).toBe(250);
  });
});
