import type { AppConfig } from './app-config.types';
import { buildAppConfig, ProblemList } from './build-app-config';
import { CONFIG_ENV_VARS, ENV_SCHEMA } from './env.schema';

/** Thrown by loadConfig with every configuration problem found, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly serviceName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${serviceName} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment and returns the nested AppConfig. All problems are collected first and
 * thrown together, so an operator fixes a broken deployment in one round trip instead of one per
 * variable. Empty strings count as "unset" (a common artefact of `.env` templates and compose files).
 */
export function loadConfig(env: NodeJS.ProcessEnv, serviceName: string): AppConfig {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(serviceName)) {
    throw new ConfigError(String(serviceName), ['serviceName: must be lowercase letters, digits and hyphens']);
  }
  const relevant: Record<string, string> = {};
  for (const name of CONFIG_ENV_VARS) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') relevant[name] = value.trim();
  }

  const problems = new ProblemList();
  const parsed = ENV_SCHEMA.safeParse(relevant);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.add(String(issue.path[0] ?? '(env)'), issue.message);
    }
  }
  // Re-parse without the invalid variables so the cross-variable rules still run on the good ones
  // and the report covers *every* problem, not just the first layer.
  const invalid = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
  const valid = parsed.success ? parsed.data : ENV_SCHEMA.parse(omit(relevant, invalid));

  const config = buildAppConfig(valid, serviceName, problems, !invalid.has('MODELGUARD_MODE'));
  if (!config || problems.items.length > 0) throw new ConfigError(serviceName, problems.items);
  return config;
}

/** For main.ts: print every problem to stderr and exit with code 1 instead of a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv, serviceName: string): AppConfig {
  try {
    return loadConfig(env, serviceName);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

function omit(source: Record<string, string>, keys: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter(([k]) => !keys.has(k)));
}
