import { Topic } from '@modelguard/contracts';
import { Outbox, OutboxRelay, TRANSPORT_CLIENT, type TransportClient, type WireMessage } from '@modelguard/messaging';
import { createLogger } from '@modelguard/observability';
import { DATA_SOURCE } from '@modelguard/persistence';
import { expectEventually, queryRows, testInfra } from '@modelguard/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { created } from './messaging-scenarios';
import { probeState, useInProcessProbeService } from './probe-service.module';

/** The real transport, held at the door: send() waits until the test opens it, like a broker that is slow to ack. */
class HeldTransport implements TransportClient {
  readonly kind = 'in-process' as const;
  sending = 0;
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly real: TransportClient) {}
  async send(messages: readonly WireMessage[]): Promise<void> {
    this.sending += 1;
    await this.opened;
    await this.real.send(messages);
  }
  release(): void {
    this.open();
  }
  status() {
    return this.real.status();
  }
  close() {
    return Promise.resolve();
  }
}

describe('outbox relay: no row lock is held while the broker call is in flight', () => {
  const probe = useInProcessProbeService('relay');
  const { broker, schema } = probe;

  it('claims the row, publishes outside any transaction (NOWAIT lock succeeds meanwhile), then records published_at', async () => {
    const app = probe.running().app;
    const dataSource = app.get<DataSource>(DATA_SOURCE, { strict: false });
    // The service's own relay is stopped so the held relay below is the only one working the table.
    await app.get(OutboxRelay, { strict: false }).onModuleDestroy();
    const held = new HeldTransport(app.get<TransportClient>(TRANSPORT_CLIENT, { strict: false }));
    const logger = createLogger('relay-test', { level: 'error' });
    const relay = new OutboxRelay(dataSource, held, {} as never, logger, {} as never);
    const other = new OutboxRelay(dataSource, held, {} as never, logger, {} as never);

    const id = `${probeState.prefix}held`;
    const envelope = await dataSource.transaction((m) => app.get(Outbox, { strict: false }).enqueue(m, Topic.ArtifactCreated, created(id), { key: id }));
    const publishing = relay.relayOnce();
    await expectEventually(async () => expect(held.sending).toBe(1), { timeoutMs: 20_000 });

    const client = new Client({ connectionString: testInfra.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      // Would fail with "could not obtain lock" if the relay held the row across the send.
      const locked = await client.query(`SELECT published_at, claimed_until FROM "${schema}"."outbox" WHERE event_id = $1 FOR UPDATE NOWAIT`, [envelope.eventId]);
      expect(locked.rows[0].published_at).toBeNull();
      expect(locked.rows[0].claimed_until).toBeInstanceOf(Date);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    // The claim keeps a second replica off the row while the first one publishes it.
    expect(await other.relayOnce()).toBe(0);

    held.release();
    expect(await publishing).toBe(1);
    const rows = await queryRows<{ published_at: Date | null; claimed_until: Date | null }>(
      testInfra.databaseUrl,
      `SELECT published_at, claimed_until FROM "${schema}"."outbox" WHERE event_id = $1`,
      [envelope.eventId],
    );
    expect(rows[0].published_at).toBeInstanceOf(Date);
    expect(rows[0].claimed_until).toBeNull();
    expect(broker.messages(Topic.ArtifactCreated).filter((m) => m.key === id)).toHaveLength(1);
  });

  it('hands a failed batch back at once instead of leaving it claimed', async () => {
    const app = probe.running().app;
    const dataSource = app.get<DataSource>(DATA_SOURCE, { strict: false });
    const failing: TransportClient = { kind: 'in-process', send: () => Promise.reject(new Error('broker said no')), status: () => 'connected', close: () => Promise.resolve() };
    const relay = new OutboxRelay(dataSource, failing, {} as never, createLogger('relay-test', { level: 'error' }), {} as never);
    const id = `${probeState.prefix}fail`;
    const envelope = await dataSource.transaction((m) => app.get(Outbox, { strict: false }).enqueue(m, Topic.ArtifactCreated, created(id), { key: id }));
    await expect(relay.relayOnce()).rejects.toThrow('broker said no');
    const rows = await queryRows<{ published_at: Date | null; claimed_until: Date | null }>(
      testInfra.databaseUrl,
      `SELECT published_at, claimed_until FROM "${schema}"."outbox" WHERE event_id = $1`,
      [envelope.eventId],
    );
    expect(rows[0]).toEqual({ published_at: null, claimed_until: null });
  });
});
