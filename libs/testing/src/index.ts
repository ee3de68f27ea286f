export { expectEventually } from './expect-eventually';
export { createTestSchemaName, uniqueGroupId, uniqueSuffix } from './test-names';
export { testInfra, dropSchemas, queryRows } from './test-infra';
export { createKafkaTopics, deleteKafkaTopics, startGroupAtEnd, readAllKafkaMessages, recordKafkaTopics, waitForKafkaTopics, type ConsumedMessage, type TopicRecorder } from './kafka-admin';
export { spawnService, freePort, type SpawnedService } from './spawn-service';
export { serviceTestEnv } from './service-test-env';
export { deliverEvent, publishedEvents, redeliverEvent } from './in-process-events';
export { seededRandom } from './seeded-random';
// Fake HuggingFace / GitHub servers (owned by the ingest engineer).
export * from './fake-upstreams';
