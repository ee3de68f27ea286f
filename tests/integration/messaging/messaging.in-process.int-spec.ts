import { dltTopicOf, Topic } from '@modelguard/contracts';
import { testInfra } from '@modelguard/testing';
import { describe } from 'vitest';
import { redriveInProcessDeadLetters } from '@modelguard/messaging';
import { defineMessagingScenarios } from './messaging-scenarios';
import { useInProcessProbeService } from './probe-service.module';

describe('messaging over the in-process broker (real Postgres)', () => {
  const probe = useInProcessProbeService('inproc');
  const { broker } = probe;
  let redriveOffset = 0;

  defineMessagingScenarios({
    service: () => probe.running(),
    schema: () => probe.schema,
    databaseUrl: testInfra.databaseUrl,
    readTopic: async (topic) => [...broker.messages(topic)],
    redrive: async () => {
      redriveOffset = (await redriveInProcessDeadLetters(broker, dltTopicOf(Topic.ArtifactCreated), redriveOffset)).nextOffset;
    },
    timeoutMs: 10_000,
  });
});
