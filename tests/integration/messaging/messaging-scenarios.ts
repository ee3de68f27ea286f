import { dltTopicOf, Headers, type PayloadOf, Topic } from '@modelguard/contracts';
import { type RunningService } from '@modelguard/runtime';
import { expectEventually, queryRows } from '@modelguard/testing';
import { DataSource } from 'typeorm';
import { expect, it } from 'vitest';
import { MessageValidationError, Outbox, OutboxRelay, TRANSPORT_CLIENT, type TransportClient, type WireMessage } from '@modelguard/messaging';
import { probeState } from './probe-service.module';

export interface ScenarioHarness {
  service: () => RunningService;
  schema: () => string;
  databaseUrl: string;
  /** Messages currently on a topic (broker log or a Kafka read). */
  readTopic: (topic: string) => Promise<WireMessage[]>;
  /** Republish the DLT of ArtifactCreated to its topic. */
  redrive: () => Promise<void>;
  timeoutMs: number;
}

export function created(artifactId: string): PayloadOf<typeof Topic.ArtifactCreated> {
  return { artifactId, artifactType: 'model', name: `name-${artifactId}`, url: 'https://huggingface.co/x/y', version: '1.0.0', actor: { name: 'alice', isAdmin: false } };
}

async function effects(h: ScenarioHarness, artifactId: string): Promise<Array<{ event_id: string; attempt: number }>> {
  return queryRows(h.databaseUrl, `SELECT event_id, attempt FROM "${h.schema()}"."effect" WHERE artifact_id = $1 ORDER BY attempt`, [artifactId]);
}

/** The partition key defaults to the artifact id; a scenario that relies on per-key order passes its own. */
async function enqueue(h: ScenarioHarness, artifactId: string, key: string = artifactId) {
  const app = h.service().app;
  const outbox = app.get(Outbox, { strict: false });
  const dataSource = app.get(DataSource, { strict: false });
  return dataSource.transaction((manager) => outbox.enqueue(manager, Topic.ArtifactCreated, created(artifactId), { key }));
}

/** The messaging contract, run identically against the in-process broker and real Kafka. */
export function defineMessagingScenarios(h: ScenarioHarness): void {
  const id = (name: string) => `${probeState.prefix}${name}`;

  it('relays a committed outbox row to the topic and the consumer applies it once', async () => {
    const envelope = await enqueue(h, id('relay'));
    await expectEventually(async () => expect(await effects(h, id('relay'))).toEqual([{ event_id: envelope.eventId, attempt: 1 }]), { timeoutMs: h.timeoutMs });
    const rows = await queryRows<{ published_at: Date | null }>(h.databaseUrl, `SELECT published_at FROM "${h.schema()}"."outbox" WHERE event_id = $1`, [envelope.eventId]);
    expect(rows[0]?.published_at).toBeInstanceOf(Date);
    const onTopic = (await h.readTopic(Topic.ArtifactCreated)).find((m) => m.headers[Headers.EventId] === envelope.eventId);
    expect(onTopic?.key).toBe(id('relay'));
    expect(JSON.parse(onTopic?.value ?? '{}')).toMatchObject({ eventId: envelope.eventId, type: Topic.ArtifactCreated, producer: expect.any(String) });
  });

  it('publishes nothing when the producing transaction rolls back', async () => {
    const dataSource = h.service().app.get(DataSource, { strict: false });
    const outbox = h.service().app.get(Outbox, { strict: false });
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.enqueue(manager, Topic.ArtifactCreated, created(id('rollback')), { key: id('rollback') });
        throw new Error('business rule failed after enqueue');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await queryRows(h.databaseUrl, `SELECT 1 FROM "${h.schema()}"."outbox" WHERE key = $1`, [id('rollback')]);
    expect(rows).toHaveLength(0);
  });

  it('rejects a payload that does not match the topic schema at enqueue time', async () => {
    const dataSource = h.service().app.get(DataSource, { strict: false });
    const outbox = h.service().app.get(Outbox, { strict: false });
    const bad = { ...created(id('bad')), artifactType: 'spreadsheet' } as unknown as PayloadOf<typeof Topic.ArtifactCreated>;
    await expect(dataSource.transaction((m) => outbox.enqueue(m, Topic.ArtifactCreated, bad, { key: id('bad') }))).rejects.toBeInstanceOf(MessageValidationError);
  });

  it('applies a duplicated event once (inbox) and acknowledges the duplicate', async () => {
    const envelope = await enqueue(h, id('dup'));
    await expectEventually(async () => expect(await effects(h, id('dup'))).toHaveLength(1), { timeoutMs: h.timeoutMs });
    const original = (await h.readTopic(Topic.ArtifactCreated)).find((m) => m.headers[Headers.EventId] === envelope.eventId);
    if (!original) throw new Error('relayed message not found on the topic');
    const transport = h.service().app.get<TransportClient>(TRANSPORT_CLIENT, { strict: false });
    await transport.send([original, original]);
    // A witness event sent after the duplicates with the SAME key lands on the same partition behind them, and
    // a partition is consumed in order: once the witness has its effect, both duplicates have been handled.
    // (With its own key it could sit on another partition and be applied first, and the test would prove nothing.)
    await enqueue(h, id('dup-after'), id('dup'));
    await expectEventually(async () => expect(await effects(h, id('dup-after'))).toHaveLength(1), { timeoutMs: h.timeoutMs });
    expect(await effects(h, id('dup'))).toHaveLength(1);
    // A handler declared { inbox: false } ran on every delivery and left no inbox row.
    expect(probeState.notified.get(id('dup'))).toBe(3);
    const inbox = await queryRows(h.databaseUrl, `SELECT consumer FROM "${h.schema()}"."inbox" WHERE event_id = $1`, [envelope.eventId]);
    expect(inbox).toEqual([{ consumer: 'ProbeHandler.onCreated' }]);
  });

  it('retries a transient failure with backoff and applies the event on the second attempt', async () => {
    probeState.behaviour.set(id('flaky'), 'fail-once');
    await enqueue(h, id('flaky'));
    await expectEventually(async () => expect(await effects(h, id('flaky'))).toEqual([{ event_id: expect.any(String), attempt: 2 }]), { timeoutMs: h.timeoutMs });
    expect(probeState.attempts.get(id('flaky'))).toEqual([1, 2]);
  });

  it('dead-letters after the retries with the error in headers, then redrive applies it once fixed', async () => {
    probeState.behaviour.set(id('poison'), 'fail-always');
    const envelope = await enqueue(h, id('poison'));
    const dlt = dltTopicOf(Topic.ArtifactCreated);
    const dead = await expectEventually(
      async () => {
        const found = (await h.readTopic(dlt)).find((m) => m.headers[Headers.EventId] === envelope.eventId);
        if (!found) throw new Error('not dead-lettered yet');
        return found;
      },
      { timeoutMs: h.timeoutMs },
    );
    expect(dead.headers[Headers.DltErrorKind]).toBe('handler');
    expect(dead.headers[Headers.DltError]).toContain(`scripted failure for ${id('poison')}`);
    expect(dead.headers[Headers.DltOriginalTopic]).toBe(Topic.ArtifactCreated);
    expect(dead.headers[Headers.Attempt]).toBe('3');
    expect(probeState.attempts.get(id('poison'))).toEqual([1, 2, 3]);
    expect(await effects(h, id('poison'))).toHaveLength(0); // every failed attempt rolled back

    probeState.behaviour.set(id('poison'), 'ok');
    await h.redrive();
    await expectEventually(async () => expect(await effects(h, id('poison'))).toEqual([{ event_id: envelope.eventId, attempt: 1 }]), { timeoutMs: h.timeoutMs });
  });

  it('dead-letters a NonRetriableError on the first attempt', async () => {
    probeState.behaviour.set(id('nonretry'), 'non-retriable');
    const envelope = await enqueue(h, id('nonretry'));
    const dead = await expectEventually(
      async () => {
        const found = (await h.readTopic(dltTopicOf(Topic.ArtifactCreated))).find((m) => m.headers[Headers.EventId] === envelope.eventId);
        if (!found) throw new Error('not dead-lettered yet');
        return found;
      },
      { timeoutMs: h.timeoutMs },
    );
    expect(dead.headers[Headers.DltErrorKind]).toBe('non-retriable');
    expect(probeState.attempts.get(id('nonretry'))).toEqual([1]);
  });

  it('sends a schema-invalid message straight to the DLT without calling the handler', async () => {
    const transport = h.service().app.get<TransportClient>(TRANSPORT_CLIENT, { strict: false });
    const key = id('garbage');
    await transport.send([
      { topic: Topic.ArtifactCreated, key, value: '{"not":"an envelope"', headers: { [Headers.EventId]: key } },
      {
        topic: Topic.ArtifactCreated,
        key,
        value: JSON.stringify({ eventId: crypto.randomUUID(), type: Topic.ArtifactCreated, schemaVersion: 1, occurredAt: new Date().toISOString(), producer: 'evil', correlationId: 'c', causationId: null, key, payload: { artifactId: key } }),
        headers: { [Headers.EventId]: `${key}-2` },
      },
    ]);
    const dead = await expectEventually(
      async () => {
        const found = (await h.readTopic(dltTopicOf(Topic.ArtifactCreated))).filter((m) => m.key === key);
        expect(found).toHaveLength(2);
        return found;
      },
      { timeoutMs: h.timeoutMs },
    );
    expect(dead.map((m) => m.headers[Headers.DltErrorKind])).toEqual(['schema', 'schema']);
    expect(dead[0].headers[Headers.DltError]).toMatch(/not JSON/);
    expect(dead[1].headers[Headers.DltError]).toMatch(/invalid payload/);
    expect(probeState.attempts.get(key)).toBeUndefined();
  });

  it('prunes published outbox rows and inbox rows older than the retention', async () => {
    const relay = h.service().app.get(OutboxRelay, { strict: false });
    const counts = async () =>
      (
        await queryRows<{ published: number; inbox: number }>(
          h.databaseUrl,
          `SELECT (SELECT count(*)::int FROM "${h.schema()}".outbox WHERE published_at IS NOT NULL) AS published, (SELECT count(*)::int FROM "${h.schema()}".inbox) AS inbox`,
        )
      )[0];
    const before = await counts();
    expect(before.published).toBeGreaterThan(0);
    expect(before.inbox).toBeGreaterThan(0);
    expect(await relay.prune(24 * 3600 * 1000)).toEqual({ outbox: 0, inbox: 0 }); // nothing is a day old yet
    const cutoff = new Date();
    const pruned = await relay.prune(0);
    expect(pruned.outbox).toBeGreaterThanOrEqual(before.published);
    expect(pruned.inbox).toBeGreaterThanOrEqual(before.inbox);
    // On a shared Kafka broker other suites' events may arrive meanwhile: only rows older than the cutoff count.
    const [left] = await queryRows<{ outbox: number; inbox: number }>(
      h.databaseUrl,
      `SELECT (SELECT count(*)::int FROM "${h.schema()}".outbox WHERE published_at <= $1) AS outbox, (SELECT count(*)::int FROM "${h.schema()}".inbox WHERE processed_at <= $1) AS inbox`,
      [cutoff],
    );
    expect(left).toEqual({ outbox: 0, inbox: 0 });
  });
}
