import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnService, type SpawnedService } from '@modelguard/testing';
import type { DistributedRun } from './distributed-env';

export interface Fleet {
  services: Record<string, SpawnedService>;
  gatewayUrl: string;
  stop(): Promise<void>;
}

const root = resolve(__dirname, '../../..');
const built = (name: string) => existsSync(resolve(root, 'dist/apps', name, 'src/main.js'));

/**
 * Every service in its own OS process over real Kafka. Consumers first (the gateway needs their URLs);
 * services whose app is not built yet (ingest/scan while in development) are skipped.
 */
export async function startFleet(
  run: DistributedRun,
  names: readonly string[] = ['audit', 'scan', 'ingest', 'scoring', 'lineage'],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Fleet> {
  const services: Record<string, SpawnedService> = {};
  const stop = async () => {
    await Promise.all(Object.values(services).map((s) => s.kill('SIGTERM')));
  };
  try {
    await Promise.all(
      names.filter(built).map(async (name) => {
        services[name] = await spawnService(name, run.envFor(name, extraEnv));
      }),
    );
    services['gateway'] = await spawnService(
      'gateway',
      run.envFor('gateway', { ...extraEnv, AUDIT_URL: services['audit']?.url, SCAN_URL: services['scan']?.url, LINEAGE_URL: services['lineage']?.url, SCORING_URL: services['scoring']?.url }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { services, gatewayUrl: services['gateway'].url, stop };
}
