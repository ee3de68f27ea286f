import { dltTopicOf, Topic } from '@modelguard/contracts';
import { createEnvelope, EventDispatcher } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import { queryRows, testInfra } from '@modelguard/testing';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { created } from './messaging-scenarios';
import { probeState, useInProcessProbeService } from './probe-service.module';

/**
 * A service that stops closes its database while a handler may still be running. The failure that follows is the
 * service's, not the message's: the event must stay on the topic for the next start, not land in the dead letters.
 */
describe('messaging: a message caught by the service stopping is left for redelivery, not dead-lettered', () => {
  const probe = useInProcessProbeService('stop');
  const { broker, schema } = probe;

  it('rejects the dispatch once the database is closed and sends nothing to the DLT', async () => {
    const dispatcher = probe.running().app.get(EventDispatcher, { strict: false });
    const id = `${probeState.prefix}late`;
    const envelope = createEnvelope('gateway', Topic.ArtifactCreated, created(id), { key: id });
    const message = { topic: Topic.ArtifactCreated, key: id, value: JSON.stringify(envelope), headers: {} };

    // While the service runs, the same dispatch path applies the event (the probe writes its effect row).
    const first = `${probeState.prefix}early`;
    const earlier = createEnvelope('gateway', Topic.ArtifactCreated, created(first), { key: first });
    await dispatcher.dispatch({ ...message, key: first, value: JSON.stringify(earlier) });
    const applied = await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."effect" WHERE artifact_id = $1`, [first]);
    expect(applied[0].n).toBe(1);

    await probe.running().app.get<DataSource>(DATA_SOURCE, { strict: false }).destroy();
    await expect(dispatcher.dispatch(message)).rejects.toThrow(/stopping.*left for redelivery/);
    expect(broker.messages(dltTopicOf(Topic.ArtifactCreated)).filter((m) => m.key === id)).toHaveLength(0);
  });
});
