import type { ScoringSectionConfig } from '@modelguard/config';
import { heartbeatIntervalFor, type LeasedWorkerSettings, uniqueWorkerId } from '@modelguard/jobs';

/** Tuning of one scoring worker process: the config's SCORING_* section, or test overrides. */
export interface ScoringSettings extends LeasedWorkerSettings {
  /** Transient failures (database, evidence collection crash) before the job is given up as failed. */
  maxAttempts: number;
  /** Upper bound on collecting upstream evidence (GitHub) for one rating; past it the metrics use their fallbacks. */
  evidenceTimeoutMs: number;
}

export const SCORING_SETTINGS = Symbol.for('modelguard.scoring.settings');

export function scoringSettings(overrides: Partial<ScoringSettings> = {}): ScoringSettings {
  const leaseMs = overrides.leaseMs ?? 60_000;
  return {
    workerId: uniqueWorkerId(),
    concurrency: 2,
    leaseMs,
    heartbeatMs: heartbeatIntervalFor(leaseMs, 250),
    pollMs: 1_000,
    maxAttempts: 3,
    evidenceTimeoutMs: 20_000,
    autoStart: true,
    ...overrides,
  };
}

/** The worker settings of the config's SCORING_* section (`config.scoring`). */
export function scoringSettingsFrom(section: ScoringSectionConfig): ScoringSettings {
  const { workerId, ...rest } = section;
  return scoringSettings({ ...rest, ...(workerId !== undefined ? { workerId } : {}) });
}
