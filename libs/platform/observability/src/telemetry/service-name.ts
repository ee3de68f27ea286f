import { basename, dirname, sep } from 'node:path';

/**
 * service.name for spans and logs, resolved before any config is loaded (register.ts runs first).
 * OTEL_SERVICE_NAME wins; otherwise the app's folder (`.../apps/<name>/...`, which matches the name
 * the app passes to loadConfig, so spans and logs agree), otherwise the script name.
 */
export function resolveServiceName(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string {
  const explicit = env['OTEL_SERVICE_NAME']?.trim();
  if (explicit) return explicit;
  const script = argv[1];
  if (!script) return 'modelguard';
  const parts = script.split(sep);
  const appsIndex = parts.lastIndexOf('apps');
  if (appsIndex >= 0 && parts[appsIndex + 1]) return parts[appsIndex + 1] as string;
  const name = basename(script).replace(/\.(c|m)?[jt]s$/, '');
  return name === 'main' || name === 'index' ? basename(dirname(script)) : name;
}
