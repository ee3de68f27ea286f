import type { z } from 'zod';
import { EVENT_CATALOGUE, type CataloguedEvent } from './events/catalogue';

/**
 * Every topic, by name: `<producer-domain>.<event-in-past-tense>.v<major>`. Derived topics: `<topic>.dlt`.
 * A released version is frozen; a breaking change gets a new `.vN+1` topic. Generated from the event catalogue
 * (src/events/catalogue.ts): who produces and who consumes each topic is in its contract (`producers`,
 * `consumers`), checked against the code by tests/contract/catalogue-wiring.spec.ts.
 */
export const Topic = Object.freeze(Object.fromEntries(EVENT_CATALOGUE.map((e) => [e.name, e.topic]))) as {
  readonly [E in CataloguedEvent as E['name']]: E['topic'];
};

export type TopicName = CataloguedEvent['topic'];

/** The payload schema of every topic. */
export const TopicSchemas = Object.freeze(Object.fromEntries(EVENT_CATALOGUE.map((e) => [e.topic, e.schema]))) as {
  readonly [E in CataloguedEvent as E['topic']]: E['schema'];
};

/** The payload type of a topic: publishing the wrong payload for a topic fails to compile. */
export type PayloadOf<T extends TopicName> = z.infer<(typeof TopicSchemas)[T]>;

export const ALL_TOPICS: readonly TopicName[] = EVENT_CATALOGUE.map((e) => e.topic);

/** The contract of a topic (producers, consumers, schema). */
export function eventContractOf(topic: TopicName): CataloguedEvent {
  const contract = EVENT_CATALOGUE.find((e) => e.topic === topic);
  if (!contract) throw new Error(`no contract for topic ${topic}`);
  return contract;
}

/** The dead-letter topic of a topic. */
export function dltTopicOf(topic: string): string {
  return `${topic}.dlt`;
}

export function isTopicName(value: string): value is TopicName {
  return (ALL_TOPICS as readonly string[]).includes(value);
}

/** Major version encoded in the topic name (`.v1` → 1). */
export function schemaVersionOf(topic: TopicName): number {
  const match = /\.v(\d+)$/.exec(topic);
  return match ? Number(match[1]) : 1;
}
