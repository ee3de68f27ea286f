import { ALIAS_NAME_PATTERN } from '@modelguard/contracts';
import { ClientError } from '../domain/client-error';
import { isUuid } from '../domain/uuid';

/** Who may approve a promotion to an alias, how many of them, and which gates the version must pass. */
export interface AliasPolicy {
  /** Distinct approvers needed (the requester never counts). */
  approvals: number;
  /** `admin`: admins only. `upload`: admins, or users with the upload permission. */
  approverPermission: 'admin' | 'upload';
  /** The version's rating net_score must be at least this; null: no rating gate (a missing rating then passes). */
  minNetScore: number | null;
  /** Whether a version released by an admin's override of a blocked scan verdict may be promoted. */
  allowOverriddenScan: boolean;
}

export interface ReleaseSettings {
  /** How long a request waits for its approvals before it expires. */
  requestTtlSeconds: number;
  /** Per alias name; an alias without an entry gets `defaultPolicy`. */
  policies: Readonly<Record<string, AliasPolicy>>;
  defaultPolicy: AliasPolicy;
}

/** Four eyes for production (two admins, neither the requester); one approver with upload rights elsewhere. */
export const DEFAULT_RELEASE_SETTINGS: ReleaseSettings = {
  requestTtlSeconds: 7 * 24 * 3600,
  policies: { production: { approvals: 2, approverPermission: 'admin', minNetScore: 0.5, allowOverriddenScan: false } },
  defaultPolicy: { approvals: 1, approverPermission: 'upload', minNetScore: null, allowOverriddenScan: false },
};

export function releaseSettingsFrom(partial: Partial<ReleaseSettings> | undefined): ReleaseSettings {
  return { ...DEFAULT_RELEASE_SETTINGS, ...partial, policies: { ...DEFAULT_RELEASE_SETTINGS.policies, ...partial?.policies } };
}

export function policyOf(settings: ReleaseSettings, alias: string): AliasPolicy {
  return settings.policies[alias] ?? settings.defaultPolicy;
}

export function parseAliasName(raw: string): string {
  if (!ALIAS_NAME_PATTERN.test(raw)) throw new ClientError(400, 'alias must match [a-z][a-z0-9-]{0,62}');
  return raw;
}

export function parseRequestId(raw: string): string {
  if (!isUuid(raw)) throw new ClientError(400, 'request id must be a UUID');
  return raw;
}
