import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expectEventually, queryRows } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../e2e/support/registry-client';
import { buildOnce } from './support/build-once';
import { createDistributedRun, type DistributedRun } from './support/distributed-env';
import { type Fleet, startFleet } from './support/service-fleet';

const brokerScript = resolve(__dirname, '../../tools/kafka/kafka-broker.sh');
/** KAFKA_KEEP_DATA: this is an outage, not a wipe (other suites share the broker and its topics). */
const broker = (cmd: 'stop' | 'start') => execFileSync('bash', [brokerScript, cmd], { stdio: 'ignore', env: { ...process.env, KAFKA_KEEP_DATA: '1' }, timeout: 120_000 });

const WRITES = 4;

describe('broker outage: the gateway keeps accepting writes, the outbox delivers after restart', () => {
  let run: DistributedRun;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
    fleet = await startFleet(run, ['audit']);
  });

  afterAll(async () => {
    // Never leave the shared broker down, whatever happened above.
    try {
      execFileSync('bash', [brokerScript, 'status'], { stdio: 'ignore' });
    } catch {
      broker('start');
    }
    await fleet?.stop();
    await run?.dispose();
  });

  it('delivers every event written while Kafka was down, exactly once', { timeout: 240_000 }, async () => {
    const client = new RegistryClient(fleet!.gatewayUrl);
    await client.login();
    broker('stop');
    let ids: string[];
    try {
      ids = await Promise.all(Array.from({ length: WRITES }, (_, i) => client.createArtifact('model', `https://huggingface.co/outage/model-${run.id}-${i}`)));
      const [pending] = await queryRows<{ n: number }>(run.databaseUrl, `SELECT count(*)::int AS n FROM gateway.outbox WHERE published_at IS NULL`);
      expect(pending.n).toBeGreaterThanOrEqual(WRITES); // held back, not lost
    } finally {
      broker('start');
    }
    try {
      // Generous: after a restart the coordinator reloads the group and the consumer rejoins, which is slow on a
      // loaded 2-core machine. Delivery must happen, not happen fast.
      await expectEventually(
        async () => {
          for (const id of ids) {
            const res = await client.audit('model', id);
            expect(res.status).toBe(200);
            expect(res.body).toHaveLength(1);
          }
        },
        { timeoutMs: 150_000, intervalMs: 500 },
      );
    } catch (err) {
      // Say why: the services' own logs (relay and consumer errors) are the only witness of a missed delivery.
      for (const [name, svc] of Object.entries(fleet!.services)) console.error(`--- ${name} log tail ---\n${svc.output().slice(-6000)}`);
      const [backlog] = await queryRows<{ n: number }>(run.databaseUrl, `SELECT count(*)::int AS n FROM gateway.outbox WHERE published_at IS NULL`);
      console.error(`gateway outbox rows still unpublished: ${backlog.n}`);
      throw err;
    }
    const [left] = await queryRows<{ n: number }>(run.databaseUrl, `SELECT count(*)::int AS n FROM gateway.outbox WHERE published_at IS NULL AND topic LIKE 'registry.artifact-%'`);
    expect(left.n).toBe(0);
  });
});
