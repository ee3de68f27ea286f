import type { AppConfig } from './app-config.types';

const SECRET_KEYS = new Set(['jwtSecret', 'secretAccessKey', 'accessKeyId', 'githubToken', 'apiKey', 'signingKeyPem', 'chainKey', 'kek', 'retiredKeks']);
const MASK = '***';

/**
 * A copy of the config that is safe to log at start-up: secrets are masked and passwords inside
 * connection URLs (postgres://user:pass@host, redis://:pass@host) are replaced.
 */
export function redactConfig(config: AppConfig): Record<string, unknown> {
  return redact(config) as Record<string, unknown>;
}

function redact(value: unknown, key?: string): unknown {
  if (key !== undefined && SECRET_KEYS.has(key)) return value === undefined ? undefined : MASK;
  if (typeof value === 'string') return maskUrlPassword(value);
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

function maskUrlPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = MASK;
    return url.toString();
  } catch {
    return value;
  }
}
