import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ALL_TOPICS, dltTopicOf } from '@modelguard/contracts';
import { createKafkaTopics, queryRows, serviceTestEnv, spawnService, testInfra, type SpawnedService, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../../..');

/**
 * The signal path of a real service process (dist/apps/lineage started by runService): SIGTERM runs the ordered
 * shutdown of libs/platform/runtime (the steps graceful-shutdown.int-spec.ts checks in-process) and exits 0.
 */
describe('SIGTERM on a real service process', () => {
  const database = `mg_sigterm_${process.pid}_${Date.now()}`;
  let lineage: SpawnedService | undefined;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    await queryRows(testInfra.databaseUrl, `CREATE DATABASE "${database}"`);
  }, 600_000);

  afterAll(async () => {
    await lineage?.kill('SIGKILL');
    await queryRows(testInfra.databaseUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('drains, stops consuming, flushes and exits 0', async () => {
    const url = new URL(testInfra.databaseUrl);
    url.pathname = `/${database}`;
    lineage = await spawnService(
      'lineage',
      serviceTestEnv({ DATABASE_URL: url.toString(), MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `sigterm-${uniqueSuffix()}`, LOG_LEVEL: 'info', HTTP_PORT: undefined }),
    );
    await expect.poll(async () => (await fetch(`${lineage?.url}/health/ready`)).status, { timeout: 30_000 }).toBe(200);

    const t0 = Date.now();
    await lineage.kill('SIGTERM');
    const log = lineage.output();
    expect(lineage.child.exitCode, log.slice(-4000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const order = ['SIGTERM received', 'shutting down: readiness is now 503', '"msg":"shut down"'].map((line) => log.indexOf(line));
    expect(order.every((at) => at >= 0), log.slice(-4000)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await expect(fetch(`${lineage.url}/health/live`)).rejects.toThrow();
  }, 120_000);
});
