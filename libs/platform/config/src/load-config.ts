import { resolve } from 'node:path';
import type { AppConfig, ServiceSections } from './app-config.types';
import { buildAppConfig, ProblemList } from './build-app-config';
import { buildServiceSection, type SectionContext } from './build-service-sections';
import { BASE_ENV_VARS, ENV_SCHEMA } from './env.schema';
import { isServiceSectionName, SERVICE_SECTION_SCHEMAS, type ServiceSectionName } from './service-sections.schema';

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
 * A service that owns a section (scan: SCAN_*, ingest: INGEST_*, scoring: SCORING_*, gateway: GATEWAY_*) gets it validated in
 * the same pass and finds it under its own name (`config.scan`).
 */
export function loadConfig(env: NodeJS.ProcessEnv, serviceName: string): AppConfig {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(serviceName)) {
    throw new ConfigError(String(serviceName), ['serviceName: must be lowercase letters, digits and hyphens']);
  }
  const relevant = pickSet(env, BASE_ENV_VARS);

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
  const section = isServiceSectionName(serviceName) ? parseSection(serviceName, env, problems, { dataDir: resolve(valid.DATA_DIR ?? './.data') }) : undefined;
  if (!config || problems.items.length > 0) throw new ConfigError(serviceName, problems.items);
  return section === undefined ? config : { ...config, [serviceName]: section };
}

/**
 * One service's section on its own, with its defaults (tests and tools that need, say, the scan tuning
 * without a whole AppConfig). Throws ConfigError listing every bad variable.
 */
export function loadServiceSection<N extends ServiceSectionName>(name: N, env: NodeJS.ProcessEnv, ctx?: SectionContext): ServiceSections[N] {
  const problems = new ProblemList();
  const section = parseSection(name, env, problems, ctx ?? { dataDir: resolve(env['DATA_DIR']?.trim() || './.data') });
  if (section === undefined) throw new ConfigError(name, problems.items);
  return section;
}

function parseSection<N extends ServiceSectionName>(name: N, env: NodeJS.ProcessEnv, problems: ProblemList, ctx: SectionContext): ServiceSections[N] | undefined {
  const schema = SERVICE_SECTION_SCHEMAS[name];
  const parsed = schema.safeParse(pickSet(env, Object.keys(schema.shape)));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.add(String(issue.path[0] ?? '(env)'), issue.message);
    return undefined;
  }
  return buildServiceSection(name, parsed.data as never, ctx);
}

/** The named variables that are set to something other than blanks, trimmed. */
function pickSet(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') picked[name] = value.trim();
  }
  return picked;
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
