import { Injectable, Module, type Type } from '@nestjs/common';
import { type Envelope, type PayloadOf, Topic } from '@modelguard/contracts';
import { qualifiedTable, schemaOf } from '@modelguard/persistence';
import { bootstrapService, ServicePlatformModule, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll } from 'vitest';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type EventContext, InProcessBroker, NonRetriableError, OnEvent } from '@modelguard/messaging';

export type ProbeBehaviour = 'ok' | 'fail-once' | 'fail-always' | 'non-retriable';

/** Shared between the test and the handler: what to do per artifact id, and what happened. */
export const probeState = {
  prefix: '',
  behaviour: new Map<string, ProbeBehaviour>(),
  attempts: new Map<string, number[]>(),
  /** Deliveries seen by the `{ inbox: false }` handler, per artifact id. */
  notified: new Map<string, number>(),
};

class ProbeEffectTable1700000000001 implements MigrationInterface {
  name = 'ProbeEffectTable1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${schemaOf(q)}"."effect" (event_id uuid NOT NULL, artifact_id text NOT NULL, attempt int NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${schemaOf(q)}"."effect"`);
  }
}

/** A handler whose failures are scripted per artifact id; its effect is a row in its own transaction. */
@Injectable()
export class ProbeHandler {
  @OnEvent(Topic.ArtifactCreated)
  async onCreated(event: Envelope<PayloadOf<typeof Topic.ArtifactCreated>>, ctx: EventContext): Promise<void> {
    const id = event.payload.artifactId;
    if (!id.startsWith(probeState.prefix)) return; // messages of other test runs on a shared broker
    probeState.attempts.set(id, [...(probeState.attempts.get(id) ?? []), ctx.attempt]);
    // Written before failing, to prove a failed attempt's writes roll back with it.
    await ctx.manager.query(`INSERT INTO ${qualifiedTable(ctx.manager, 'effect')} (event_id, artifact_id, attempt) VALUES ($1, $2, $3)`, [event.eventId, id, ctx.attempt]);
    const behaviour = probeState.behaviour.get(id) ?? 'ok';
    if (behaviour === 'fail-always') throw new Error(`scripted failure for ${id}`);
    if (behaviour === 'fail-once' && ctx.attempt === 1) throw new Error(`transient failure for ${id}`);
    if (behaviour === 'non-retriable') throw new NonRetriableError(`bad reference ${id}`);
  }
}

/** A handler that writes nothing, declared without an inbox: it counts every delivery, duplicates included. */
@Injectable()
export class ProbeNotificationHandler {
  @OnEvent(Topic.ArtifactCreated, { inbox: false })
  onCreated(event: Envelope<PayloadOf<typeof Topic.ArtifactCreated>>, _ctx: EventContext): Promise<void> {
    const id = event.payload.artifactId;
    if (id.startsWith(probeState.prefix)) probeState.notified.set(id, (probeState.notified.get(id) ?? 0) + 1);
    return Promise.resolve();
  }
}

/** `controllers`: HTTP routes a test adds to the probe (e.g. a slow download for the shutdown drain). */
export function probeServiceModule(service: string, schema: string, controllers: Type[] = []) {
  @Module({
    imports: [ServicePlatformModule.forService({ service, schema, entities: [], migrations: [ProbeEffectTable1700000000001], relayPollMs: 200 })],
    providers: [ProbeHandler, ProbeNotificationHandler],
    controllers,
  })
  class ProbeServiceModule {}
  return ProbeServiceModule;
}

/** The probe service on its own in-process broker and schema, started before the file's tests and dropped after. */
export interface InProcessProbe {
  readonly broker: InProcessBroker;
  readonly schema: string;
  /** The running service (only inside tests: it starts in beforeAll). */
  running(): RunningService;
}

export function useInProcessProbeService(tag: string): InProcessProbe {
  const broker = new InProcessBroker();
  const schema = createTestSchemaName(`msg_${tag}`);
  const service = `probe-${tag}-${uniqueSuffix()}`;
  let running: RunningService | undefined;

  beforeAll(async () => {
    probeState.prefix = `${tag}${uniqueSuffix()}-`;
    running = await bootstrapService({
      service,
      module: probeServiceModule(service, schema),
      inProcessBroker: broker,
      env: serviceTestEnv({ MESSAGING_TRANSPORT: 'in-process' }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
  });

  afterAll(async () => {
    await running?.close().catch(() => undefined);
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  return {
    broker,
    schema,
    running: () => {
      if (running === undefined) throw new Error('the probe service is not running (use it inside a test)');
      return running;
    },
  };
}
