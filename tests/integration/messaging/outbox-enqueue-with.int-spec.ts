import { Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { DATA_SOURCE } from '@modelguard/persistence';
import { expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { created } from './messaging-scenarios';
import { probeState, useInProcessProbeService } from './probe-service.module';

/** Outbox.enqueueWith: the caller's row and the event in one statement, without an explicit transaction. */
describe('outbox: a row and its event written by one statement', () => {
  const probe = useInProcessProbeService('with');
  const { broker, schema } = probe;
  const services = () => {
    const app = probe.running().app;
    return { dataSource: app.get<DataSource>(DATA_SOURCE, { strict: false }), outbox: app.get(Outbox, { strict: false }) };
  };
  const effectSql = `INSERT INTO "${schema}"."effect" (event_id, artifact_id, attempt) VALUES ($1, $2, $3)`;
  const outboxRows = async (id: string) =>
    (await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."outbox" WHERE key = $1`, [id]))[0].n;
  const effectRows = async (marker: string) =>
    (await queryRows<{ n: number }>(testInfra.databaseUrl, `SELECT count(*)::int AS n FROM "${schema}"."effect" WHERE event_id = $1`, [marker]))[0].n;

  it('commits both rows at once and the relay publishes the event (woken, not polled)', async () => {
    const { dataSource, outbox } = services();
    const id = `${probeState.prefix}both`;
    const marker = randomUUID();
    // Count what reaches the database: one statement, no BEGIN/COMMIT around it.
    const statements: string[] = [];
    const counter: EntitySubscriberInterface = { beforeQuery: (event) => void statements.push(event.query) };
    dataSource.subscribers.push(counter);
    let envelopeId: string;
    try {
      const envelope = await outbox.enqueueWith(dataSource.manager, Topic.ArtifactCreated, created(id), { key: id }, { sql: effectSql, params: [marker, id, 0] });
      envelopeId = envelope.eventId;
    } finally {
      dataSource.subscribers.splice(dataSource.subscribers.indexOf(counter), 1);
    }
    expect(statements).toHaveLength(1);
    expect(statements.filter((q) => /^(START TRANSACTION|BEGIN|COMMIT)/i.test(q.trim()))).toEqual([]);
    expect(statements.filter((q) => q.includes('WITH written AS'))).toHaveLength(1);

    expect(await effectRows(marker)).toBe(1);
    expect(await outboxRows(id)).toBe(1);
    await expectEventually(async () => expect(broker.messages(Topic.ArtifactCreated).filter((m) => m.key === id)).toHaveLength(1), { timeoutMs: 10_000 });
    const published = broker.messages(Topic.ArtifactCreated).find((m) => m.key === id);
    expect(JSON.parse(String(published?.value)).eventId).toBe(envelopeId);
  });

  it('writes neither row when the caller\'s write fails', async () => {
    const { dataSource, outbox } = services();
    const id = `${probeState.prefix}neither`;
    const marker = randomUUID();
    // artifact_id is NOT NULL: the caller's INSERT fails, and with it the whole statement.
    await expect(
      outbox.enqueueWith(dataSource.manager, Topic.ArtifactCreated, created(id), { key: id }, { sql: effectSql, params: [marker, null, 0] }),
    ).rejects.toThrow(/null value/);
    expect(await effectRows(marker)).toBe(0);
    expect(await outboxRows(id)).toBe(0);
  });

  it('joins the caller\'s transaction when given one: a rollback drops both', async () => {
    const { dataSource, outbox } = services();
    const id = `${probeState.prefix}rolled`;
    const marker = randomUUID();
    await expect(
      dataSource.transaction(async (m) => {
        await outbox.enqueueWith(m, Topic.ArtifactCreated, created(id), { key: id }, { sql: effectSql, params: [marker, id, 0] });
        throw new Error('caller changes its mind');
      }),
    ).rejects.toThrow('caller changes its mind');
    expect(await effectRows(marker)).toBe(0);
    expect(await outboxRows(id)).toBe(0);
  });
});
