import { dltTopicOf, Topic } from '@modelguard/contracts';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { InProcessBroker, redriveInProcessDeadLetters } from '@modelguard/messaging';
import { defineMessagingScenarios } from './messaging-scenarios';
import { probeServiceModule, probeState } from './probe-service.module';

describe('messaging over the in-process broker (real Postgres)', () => {
  const broker = new InProcessBroker();
  const schema = createTestSchemaName('msg_inproc');
  const service = `probe-${uniqueSuffix()}`;
  let running: RunningService;
  let redriveOffset = 0;

  beforeAll(async () => {
    probeState.prefix = `ip${uniqueSuffix()}-`;
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
    await running?.close();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  defineMessagingScenarios({
    service: () => running,
    schema: () => schema,
    databaseUrl: testInfra.databaseUrl,
    readTopic: async (topic) => [...broker.messages(topic)],
    redrive: async () => {
      redriveOffset = (await redriveInProcessDeadLetters(broker, dltTopicOf(Topic.ArtifactCreated), redriveOffset)).nextOffset;
    },
    timeoutMs: 10_000,
  });
});
