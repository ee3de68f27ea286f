import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import {
  createKafkaTopics,
  createTestSchemaName,
  dropSchemas,
  recordKafkaTopics,
  serviceTestEnv,
  testInfra,
  type TopicRecorder,
  uniqueSuffix,
} from '@modelguard/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { redriveKafkaDeadLetters } from '@modelguard/messaging';
import { defineMessagingScenarios } from './messaging-scenarios';
import { probeServiceModule, probeState } from './probe-service.module';

describe('messaging over real Kafka (real Postgres)', () => {
  const schema = createTestSchemaName('msg_kafka');
  const run = uniqueSuffix();
  const service = `probe-${run}`;
  const watched = [Topic.ArtifactCreated, dltTopicOf(Topic.ArtifactCreated)];
  let running: RunningService;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    probeState.prefix = `k${run}-`;
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    recorder = await recordKafkaTopics(watched);
    running = await bootstrapService({
      service,
      module: probeServiceModule(service, schema),
      env: serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: service }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
  });

  afterAll(async () => {
    await running?.close();
    await recorder?.stop();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  defineMessagingScenarios({
    service: () => running,
    schema: () => schema,
    databaseUrl: testInfra.databaseUrl,
    readTopic: async (topic) => recorder.messages(topic).map((m) => ({ ...m, key: m.key ?? '' })),
    redrive: async () => {
      await redriveKafkaDeadLetters({ brokers: testInfra.kafkaBrokers, clientId: `redrive-${run}`, dltTopic: dltTopicOf(Topic.ArtifactCreated), groupId: `redrive-${run}` });
    },
    timeoutMs: 30_000,
  });
});
