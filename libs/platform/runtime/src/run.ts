// Telemetry patches http, express, pg, kafkajs and ioredis as they are required, so it is registered before
// anything else this entry point imports; the service's own module is loaded later still, by `load()`.
import '@modelguard/observability/register';
import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigError, loadConfig } from '@modelguard/config';
import { bootstrapService } from './bootstrap-service';

/** A process that is up: the URL it answers on and how to stop it. */
export interface StartedProcess {
  url: string;
  close(): Promise<void>;
}

interface ReadyMessage {
  /** What to print once the service listens (default: `<service> listening on <url>`). */
  readyMessage?: (url: string) => string;
}

/**
 * What a main hands to runService: a service's root module (booted by bootstrapService), or, for the
 * embedded app that hosts several services, its own start function.
 */
export type ServiceEntry = ({ module: Type | DynamicModule } | { start: () => Promise<StartedProcess> }) & ReadyMessage;

/**
 * The one way a process starts: telemetry first (this module's first import), then `load()` imports the
 * service's code, the app config is validated together with the service's own section (SCAN_*, INGEST_*,
 * GATEWAY_*) and the service boots. Bad settings print one line per bad variable and exit 1; any other
 * failure prints its stack and exits 1, so a supervisor restarts the process.
 *
 *   runService('scan', async () => ({ module: (await import('@modelguard/scan-feature')).ScanServiceModule.forService() }));
 */
export function runService(service: string, load: () => Promise<ServiceEntry>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return start(service, load, env).catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${service} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

async function start(service: string, load: () => Promise<ServiceEntry>, env: NodeJS.ProcessEnv): Promise<void> {
  const entry = await load();
  const ready = entry.readyMessage ?? ((url: string) => `${service} listening on ${url}`);
  if ('start' in entry) {
    // Hosts several services; it validates each one's config (and section) before starting any of them.
    const app = await entry.start();
    stopOnSignals(app);
    process.stdout.write(`${ready(app.url)}\n`);
    return;
  }
  const running = await bootstrapService({ service, module: entry.module, env, config: loadConfig(env, service) });
  process.stdout.write(`${ready(running.url)}\n`);
}

/** One-application services get Nest's shutdown hooks; a `start` entry is closed here, once. */
function stopOnSignals(app: StartedProcess): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
