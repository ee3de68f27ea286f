import { loadServiceSection } from '@modelguard/config';
import { describe, expect, it } from 'vitest';
import { scanSettingsFrom, scanSettingsFromEnv } from './scan-settings';

// SCAN_* parsing and refusals are tested with the config (service-sections.spec.ts); this is the resolution.
describe('scanSettingsFrom', () => {
  it('defaults to two concurrent scans and a unique worker id', () => {
    const a = scanSettingsFrom(loadServiceSection('scan', {}));
    const b = scanSettingsFrom(loadServiceSection('scan', {}));
    expect(a.concurrency).toBe(2);
    expect(a.workerId).not.toBe(b.workerId);
    expect(a.heartbeatMs).toBeLessThan(a.leaseMs);
  });

  it('takes the section values and derives the heartbeat from the lease', () => {
    const s = scanSettingsFromEnv({ SCAN_CONCURRENCY: '4', SCAN_WORKER_ID: 'scan-a', SCAN_LEASE_MS: '3000' });
    expect(s).toMatchObject({ concurrency: 4, workerId: 'scan-a', leaseMs: 3000, heartbeatMs: 1000 });
    expect(scanSettingsFromEnv({}, { leaseMs: 900 }).heartbeatMs).toBe(300);
  });

  it('refuses nonsense instead of guessing', () => {
    expect(() => scanSettingsFromEnv({ SCAN_CONCURRENCY: '0' })).toThrow(/SCAN_CONCURRENCY/);
    expect(() => scanSettingsFromEnv({ SCAN_WORKER_ID: 'a b;drop' })).toThrow(/SCAN_WORKER_ID/);
  });
});
