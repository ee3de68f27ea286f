import { heartbeatIntervalFor, type LeasedWorkerSettings, uniqueWorkerId } from '@modelguard/jobs';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';

/** Tuning of the sealing worker of one gateway process (defaults below; tests override through `gateway.sealWorker`). */
export interface SealSettings extends LeasedWorkerSettings {
  /** Failed passes (store or database errors) before a job is given up as failed; a new request queues it again. */
  maxAttempts: number;
}

export const SEAL_SETTINGS = Symbol.for('modelguard.gateway.seal-settings');

export function sealSettings(overrides: Partial<SealSettings> = {}): SealSettings {
  const leaseMs = overrides.leaseMs ?? 60_000;
  return {
    workerId: uniqueWorkerId('gw-'),
    // Sealing is disk- and CPU-bound (a GB-sized model streams through AES-GCM): one model at a time per replica.
    concurrency: 1,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 250),
    pollMs: 2_000,
    maxAttempts: 5,
    autoStart: true,
    ...overrides,
  };
}

export const sealSettingsProvider = {
  provide: SEAL_SETTINGS,
  inject: [GATEWAY_SETTINGS],
  useFactory: (s: GatewaySettings): SealSettings => sealSettings(s.gateway.sealWorker),
};
