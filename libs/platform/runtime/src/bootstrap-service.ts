import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, ConfigError, ConfigModule, loadConfig } from '@modelguard/config';
import {
  createMessagingServer,
  EventDispatcher,
  type InProcessBroker,
  InProcessBrokerModule,
  MessagingHealthIndicator,
  RESOLVED_IN_PROCESS_BROKER,
} from '@modelguard/messaging';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import {
  createLogger,
  httpMetricsMiddleware,
  JsonNestLogger,
  SERVICE_METRICS,
  ServiceLoggerModule,
  type ServiceMetrics,
} from '@modelguard/observability';
import { exitOnSignals, shutdownGracefully } from './graceful-shutdown';
import { HttpDrain } from './http-drain';

export interface BootstrapOptions {
  service: string;
  /** The service's root feature module (it imports ServicePlatformModule.forService). */
  module: Type | DynamicModule;
  /** Overrides HTTP_PORT; 0 picks a free port (the real URL is returned). */
  httpPort?: number;
  /** Share one broker between the services of one process (embedded mode, tests). */
  inProcessBroker?: InProcessBroker;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Last-moment adjustments the env cannot express (embedded mode: the PGlite URL, peer URLs). */
  configure?: (config: AppConfig) => AppConfig;
  /**
   * true (default) for one-service processes: SIGTERM/SIGINT run the graceful shutdown (shutdownGracefully) and
   * exit. The embedded app, which hosts several applications, passes false and orders the shutdown itself.
   */
  shutdownHooks?: boolean;
  /** On invalid config: exit(1) after printing every problem (default), or throw ConfigError (tests). */
  exitOnConfigError?: boolean;
  /** An already validated config (runService loads it first); `env` is then not read again. */
  config?: AppConfig;
}

export interface RunningService {
  app: INestApplication;
  config: AppConfig;
  /** Base URL the HTTP server really listens on, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The graceful shutdown (readiness 503, HTTP drain, consumer, jobs, outbox flush, connections); once. */
  close(): Promise<void>;
}

function loadOrExit(opts: BootstrapOptions): AppConfig {
  try {
    return loadConfig(opts.env ?? process.env, opts.service);
  } catch (err) {
    if (err instanceof ConfigError && opts.exitOnConfigError !== false) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** The app's ServiceMetrics, when it serves health (and so metrics) at all. */
function metricsOf(app: INestApplication): ServiceMetrics | undefined {
  try {
    return app.get<ServiceMetrics>(SERVICE_METRICS, { strict: false });
  } catch {
    return undefined; // a module without HealthModule (some tests): nothing to count into
  }
}

/**
 * Boots one service: validated config, JSON logging, the messaging consumer (Kafka or in-process) and
 * HTTP. Order matters: init() completes every lifecycle hook (migrations, handler discovery) before the
 * consumer starts, and the consumer runs before the HTTP port opens, so a healthy service is consuming. A broker
 * that does not answer yet does not stop the start: the consumer keeps retrying in the background and readiness
 * stays 503 meanwhile (KafkaMessagingServer). `close()` (and SIGTERM) is the ordered shutdownGracefully.
 */
export async function bootstrapService(opts: BootstrapOptions): Promise<RunningService> {
  let config = opts.config ?? loadOrExit(opts);
  if (opts.configure) config = opts.configure(config);
  if (opts.httpPort !== undefined) config = { ...config, http: { ...config.http, port: opts.httpPort } };

  const serviceLogger = createLogger(opts.service, { level: config.log.level });
  const root = {
    module: class ServiceRootModule {},
    imports: [
      ConfigModule.forRoot(config),
      // Feature code injects SERVICE_LOGGER: its lines carry this service's name even when several share a process.
      ServiceLoggerModule.forRoot(serviceLogger),
      ...(opts.inProcessBroker ? [InProcessBrokerModule.forBroker(opts.inProcessBroker)] : []),
      opts.module,
    ],
  };
  // Nest's per-module and per-route start-up lines go to debug level (NEST_STARTUP_CONTEXTS).
  const logger = new JsonNestLogger(serviceLogger);
  const app = await NestFactory.create<NestExpressApplication>(root, { logger, abortOnError: false });
  // Registered before init() so Nest skips its own 100 kB JSON parser: the configured cap is the only one.
  app.useBodyParser('json', { limit: config.limits.maxJsonBodyBytes });
  // Before any route is registered (init), so every request is counted, unmatched ones included.
  const metrics = metricsOf(app);
  if (metrics) app.use(httpMetricsMiddleware(metrics));
  let strategy: CustomTransportStrategy | undefined;
  try {
    const dispatcher = app.get(EventDispatcher, { strict: false });
    const broker = app.get<InProcessBroker>(RESOLVED_IN_PROCESS_BROKER, { strict: false });
    strategy = createMessagingServer(config, { service: opts.service, dispatcher, broker });
    if (strategy instanceof Server) {
      const health = app.get(MessagingHealthIndicator, { strict: false });
      strategy.status.subscribe((status) => health.reportConsumerStatus(String(status)));
    }
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  // Attached as soon as the port is open: it counts every request a later drain must wait for.
  const drain = new HttpDrain(app.getHttpServer() as HttpServer);
  const consumer = strategy;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= shutdownGracefully({ app, drain, consumer, graceMs: config.http.shutdownGraceMs, logger: serviceLogger }));
  if (opts.shutdownHooks !== false) exitOnSignals(close, config.http.shutdownGraceMs, serviceLogger);
  return { app, config, url, close };
}
