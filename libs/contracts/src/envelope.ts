import { z } from 'zod';

/**
 * The standard envelope every message travels in, on Kafka and on the in-process bus alike.
 * The payload is validated against the topic's own schema at the consumer boundary; the envelope
 * fields are mirrored into Kafka headers (plus `traceparent`) so tooling can read them without parsing.
 */
export const EnvelopeSchema = z.object({
  eventId: z.string().uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: true }),
  producer: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  /** Partition key: the aggregate id, so events about one artifact stay ordered. */
  key: z.string().min(1),
  payload: z.unknown(),
});

export interface Envelope<P = unknown> {
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  producer: string;
  correlationId: string;
  causationId: string | null;
  key: string;
  payload: P;
}

/** Header names used on the wire (Kafka headers / in-process headers). */
export const Headers = {
  EventId: 'x-event-id',
  EventType: 'x-event-type',
  SchemaVersion: 'x-schema-version',
  Producer: 'x-producer',
  CorrelationId: 'x-correlation-id',
  CausationId: 'x-causation-id',
  TraceParent: 'traceparent',
  TraceState: 'tracestate',
  Attempt: 'x-attempt',
  DltError: 'x-dlt-error',
  DltErrorKind: 'x-dlt-error-kind',
  DltOriginalTopic: 'x-dlt-original-topic',
  DltFailedAt: 'x-dlt-failed-at',
  DltConsumerGroup: 'x-dlt-consumer-group',
} as const;
