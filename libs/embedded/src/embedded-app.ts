import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from '@modelguard/config';
import { gatewayReadyMessage } from '@modelguard/gateway-feature';
import { InProcessBroker } from '@modelguard/messaging';
import { clusterTemplateRoot, startEmbeddedPostgres } from '@modelguard/persistence';
import { bootstrapService, type RunningService, type ServiceEntry } from '@modelguard/runtime';
import type { EmbeddedServiceSpec } from './embedded-services';

export interface EmbeddedApp {
  /** The gateway's URL: the only public endpoint. */
  url: string;
  broker: InProcessBroker;
  services: Readonly<Record<string, RunningService>>;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  env?: NodeJS.ProcessEnv;
  /** Gateway port (default HTTP_PORT or 3000; 0 = any free port). */
  httpPort?: number;
  /** Which services to run, in boot order; the gateway must be last. Default: all (EMBEDDED_SERVICES). */
  services?: readonly EmbeddedServiceSpec[];
}

/**
 * After each full GC, V8 lets the old generation grow by a factor it picks from GC and program speed before it marks
 * again. Under a 1 GiB transfer this process's heap reached 95-114 MiB while about 75 MiB survived each full GC, the
 * largest part of its RSS growth besides stream Buffers; 2x bounds that growth. 1.2x bounded it further but cost
 * 183-222 full GCs per 1 GiB upload and download instead of 5, and 1.5x slower uploads and downloads, for no lower peak
 * (bench/RESULTS.md, "Embedded memory: old generation growth, revisited"). V8 reads the flag whenever it sets the next
 * limit, so setting it at start is in time; node refuses it in NODE_OPTIONS, and a value given on node's command line
 * wins.
 */
const HEAP_GROWING_FLAG = '--heap-growing-percent';
const HEAP_GROWING_PERCENT = 100;

function boundHeapGrowth(): void {
  if (process.execArgv.some((a) => a.startsWith(HEAP_GROWING_FLAG))) return;
  setFlagsFromString(`${HEAP_GROWING_FLAG}=${HEAP_GROWING_PERCENT}`);
}

/** Internal URLs the gateway calls, by the service that serves them. */
const PEER_URL_VARS: Record<string, string> = { audit: 'AUDIT_URL', scan: 'SCAN_URL', lineage: 'LINEAGE_URL', scoring: 'SCORING_URL' };

/**
 * Every service in one process: PGlite (persisted under DATA_DIR) instead of a Postgres server, one
 * in-process broker instead of Kafka, and one Nest application per service, so each keeps its own
 * consumer group, schema and health exactly as in distributed mode. Only the gateway is meant to be
 * reached from outside; the others listen on ephemeral loopback ports for the gateway's internal calls.
 */
export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedApp> {
  boundHeapGrowth();
  const specs = opts.services ?? (await import('./embedded-services')).EMBEDDED_SERVICES;
  const baseEnv = opts.env ?? process.env;
  const dataDir = resolve(baseEnv['DATA_DIR'] ?? './.data');
  const embeddedEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    MODELGUARD_MODE: 'embedded',
    MESSAGING_TRANSPORT: 'in-process',
    DATA_DIR: dataDir,
    // PGlite serialises statements anyway; small pools keep its socket connection count low.
    DATABASE_POOL_SIZE: baseEnv['DATABASE_POOL_SIZE'] ?? '3',
  };
  validateAll(specs, embeddedEnv);
  const stallTimeout = embeddedEnv['EMBEDDED_DB_STALL_TIMEOUT_MS'];
  // Validated by validateAll above; reached only through a private Unix socket (see startEmbeddedPostgres).
  const postgres = await startEmbeddedPostgres({
    dataDir,
    // A new DATA_DIR starts from the machine's cached cluster template (see createCluster): 3 s instead of 7.6 here.
    clusterTemplateRoot: clusterTemplateRoot(baseEnv),
    ...(stallTimeout ? { stallTimeoutMs: Number(stallTimeout) } : {}),
  });
  const broker = new InProcessBroker();
  const env: NodeJS.ProcessEnv = { ...embeddedEnv, DATABASE_URL: postgres.url };
  const started: RunningService[] = [];
  const services: Record<string, RunningService> = {};
  const close = async () => {
    // Gateway first (stop taking requests), then the consumers, then the database under them.
    for (const s of [...started].reverse()) await s.close().catch(() => undefined);
    await postgres.stop();
  };
  try {
    for (const spec of specs) {
      const isGateway = spec.service === 'gateway';
      const running = await bootstrapService({
        service: spec.service,
        module: spec.module(),
        httpPort: isGateway ? (opts.httpPort ?? Number(baseEnv['HTTP_PORT'] ?? 3000)) : 0,
        inProcessBroker: broker,
        env,
        shutdownHooks: false,
        exitOnConfigError: false,
        configure: (c) => ({ ...c, http: { ...c.http, host: isGateway ? c.http.host : '127.0.0.1' } }),
      });
      started.push(running);
      services[spec.service] = running;
      const peerVar = PEER_URL_VARS[spec.service];
      if (peerVar) env[peerVar] = running.url;
    }
  } catch (err) {
    await close();
    throw err;
  }
  const gateway = services['gateway'];
  if (!gateway) {
    await close();
    throw new Error('embedded mode needs a gateway (last in the service list)');
  }
  return { url: gateway.url, broker, services, close };
}

/**
 * Every hosted service's config (and own section: SCAN_*, INGEST_*, GATEWAY_*) checked before anything starts,
 * all problems in one ConfigError, exactly as each service would report them in distributed mode.
 */
function validateAll(specs: readonly EmbeddedServiceSpec[], env: NodeJS.ProcessEnv): void {
  const problems = new Set<string>();
  for (const spec of specs) {
    try {
      loadConfig(env, spec.service);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      err.problems.forEach((p) => problems.add(p));
    }
  }
  if (problems.size > 0) throw new ConfigError('embedded', [...problems]);
}

/** What apps/embedded's main hands to runService. */
export function embeddedEntry(opts: EmbeddedOptions = {}): ServiceEntry {
  return { start: () => startEmbedded(opts), readyMessage: (url) => gatewayReadyMessage(url, 'ModelGuard (embedded)') };
}
