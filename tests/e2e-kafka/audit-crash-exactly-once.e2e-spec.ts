import { Topic } from '@modelguard/contracts';
import { createEnvelope, KafkaTransportClient, type WireMessage } from '@modelguard/messaging';
import { expectEventually, queryRows, spawnService, type SpawnedService, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from './support/build-once';
import { createDistributedRun, type DistributedRun } from './support/distributed-env';

const EVENTS = 200;

describe('audit over real Kafka: kill -9 mid-stream, restart, every event exactly once', () => {
  let run: DistributedRun;
  let audit: SpawnedService | undefined;
  const producer = new KafkaTransportClient({ brokers: testInfra.kafkaBrokers, clientId: 'e2e-crash-producer' });

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
  });

  afterAll(async () => {
    await audit?.kill('SIGKILL');
    await producer.close();
    await run?.dispose();
  });

  const count = async () => (await queryRows<{ n: number }>(run.databaseUrl, `SELECT count(*)::int AS n FROM audit.audit_entry WHERE artifact_id LIKE $1`, [`crash-${run.id}-%`]))[0].n;

  it('records all events once after an abrupt crash in the middle of the stream', async () => {
    audit = await spawnService('audit', run.envFor('audit'));
    const messages: WireMessage[] = Array.from({ length: EVENTS }, (_, i) => {
      const id = `crash-${run.id}-${i}`;
      const envelope = createEnvelope('e2e', Topic.ArtifactCreated, { artifactId: id, artifactType: 'model', name: `m${i}`, url: 'https://huggingface.co/x/y', version: '1.0.0', actor: { name: 'alice', isAdmin: false } }, { key: id });
      return { topic: Topic.ArtifactCreated, key: id, value: JSON.stringify(envelope), headers: {} };
    });
    // Published in small batches so the crash lands while events are still arriving and being handled.
    const publishing = (async () => {
      for (let i = 0; i < EVENTS; i += 10) {
        await producer.send(messages.slice(i, i + 10));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await expectEventually(async () => expect(await count()).toBeGreaterThanOrEqual(20), { timeoutMs: 30_000, intervalMs: 20 });
    await audit.kill('SIGKILL');
    const atCrash = await count();
    await publishing;
    expect(atCrash).toBeLessThan(EVENTS); // the crash really happened mid-stream
    console.info(`audit rows when killed: ${atCrash}/${EVENTS}`);

    audit = await spawnService('audit', run.envFor('audit'));
    await expectEventually(async () => expect(await count()).toBe(EVENTS), { timeoutMs: 60_000, intervalMs: 200 });
    // Let any redelivered tail settle, then prove nothing was applied twice and the chain is intact.
    await new Promise((r) => setTimeout(r, 1_000));
    const [dupes] = await queryRows<{ events: number; distinct_events: number; inbox: number }>(
      run.databaseUrl,
      `SELECT count(*)::int AS events, count(DISTINCT event_id)::int AS distinct_events,
              (SELECT count(*)::int FROM audit.inbox i WHERE i.event_id IN (SELECT event_id FROM audit.audit_entry WHERE artifact_id LIKE $1)) AS inbox
       FROM audit.audit_entry WHERE artifact_id LIKE $1`,
      [`crash-${run.id}-%`],
    );
    expect(dupes).toEqual({ events: EVENTS, distinct_events: EVENTS, inbox: EVENTS });
    const verify = (await (await fetch(`${audit.url}/internal/audit/verify`)).json()) as { ok: boolean; entries: number };
    expect(verify.ok).toBe(true);
  });
});
