import type { INestApplication } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { LeasedJobWorker } from '@modelguard/jobs';
import { OutboxRelay } from '@modelguard/messaging';
import type { Logger } from '@modelguard/observability';
import type { HttpDrain } from './http-drain';
import { ShutdownReadiness } from './shutdown-readiness';

export interface ShutdownParts {
  app: INestApplication;
  drain: HttpDrain;
  /** The message consumer (Kafka or in-process transport strategy). */
  consumer: { close(): unknown };
  graceMs: number;
  logger: Logger;
}

/**
 * The one shutdown order of every service. Nest's own close runs the destroy hooks (job workers, outbox relay)
 * before it closes the HTTP server and the consumer, so requests and events kept arriving at a service whose
 * background work had already stopped. Here, in order:
 *   1. readiness answers 503 (component `shutdown`);
 *   2. the port stops accepting; in-flight requests get `graceMs` to finish, then are cut;
 *   3. the consumer stops (kafkajs finishes the message in hand, commits its offset and leaves the group);
 *   4. leased-job workers stop claiming, let running jobs finish within their own grace, release the rest;
 *   5. the outbox relay makes its last flush (rows written by steps 2-4 leave with the process);
 *   6. Nest's close: the remaining destroy hooks, then the database, Redis and producer connections.
 */
export async function shutdownGracefully(parts: ShutdownParts): Promise<void> {
  const { app, logger } = parts;
  const started = Date.now();
  optional(app, ShutdownReadiness)?.begin();
  logger.info('shutting down: readiness is now 503, draining HTTP', { inFlight: parts.drain.inFlight, graceMs: parts.graceMs });

  const drained = await parts.drain.drain(parts.graceMs);
  if (!drained.finished) logger.warn(`HTTP drain took longer than ${parts.graceMs} ms: cut ${drained.cutConnections} connection(s)`);

  await step(logger, 'stopping the message consumer', () => parts.consumer.close());
  const workers = leasedJobWorkers(app);
  await step(logger, `stopping ${workers.length} job worker(s)`, () => Promise.all(workers.map((w) => w.stop())));
  const relay = optional(app, OutboxRelay);
  if (relay) await step(logger, 'flushing the outbox relay', () => relay.stop());

  await app.close();
  logger.info('shut down', { tookMs: Date.now() - started });
}

/** A failed step is logged and the shutdown goes on: the later steps still release what they hold. */
async function step(logger: Logger, what: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    logger.warn(`${what} failed during shutdown: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function optional<T>(app: INestApplication, token: abstract new (...args: never[]) => T): T | undefined {
  try {
    return app.get(token, { strict: false });
  } catch {
    return undefined; // a module without the platform (some tests): nothing to stop
  }
}

/** Every LeasedJobWorker of the application (scan, ingest, scoring, the gateway's sealing): found by type, so no service registers itself. */
function leasedJobWorkers(app: INestApplication): LeasedJobWorker<unknown>[] {
  const discovery = optional(app, DiscoveryService);
  if (!discovery) return [];
  return discovery
    .getProviders()
    .map((wrapper) => wrapper.instance as unknown)
    .filter((instance): instance is LeasedJobWorker<unknown> => instance instanceof LeasedJobWorker);
}

/** Slack on top of the HTTP grace for the later steps (jobs' own grace, outbox flush, closing connections). */
const SHUTDOWN_SLACK_MS = 30_000;

/**
 * SIGTERM/SIGINT: the graceful shutdown, then exit 0 (1 when it failed). A shutdown wedged on an unreachable
 * dependency must not outlive the orchestrator's patience, so a timer (unref'd) exits 1 after grace + slack.
 */
export function exitOnSignals(close: () => Promise<void>, graceMs: number, logger: Logger): void {
  const stop = (signal: NodeJS.Signals) => {
    logger.info(`${signal} received`);
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${graceMs + SHUTDOWN_SLACK_MS} ms; exiting`);
      process.exit(1);
    }, graceMs + SHUTDOWN_SLACK_MS).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
