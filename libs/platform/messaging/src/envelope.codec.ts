import { randomUUID } from 'node:crypto';
import {
  type Envelope,
  EnvelopeSchema,
  Headers,
  isTopicName,
  type PayloadOf,
  schemaVersionOf,
  type TopicName,
  TopicSchemas,
} from '@modelguard/contracts';
import type { WireMessage } from './wire-message';

/** One line per issue (`path: message`), short enough for a log line and a DLT header. */
function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

export interface EnqueueOptions {
  /** Partition key: the aggregate id (artifact id, scan id) so its events stay ordered. */
  key: string;
  correlationId?: string;
  causationId?: string | null;
}

/** Thrown when a message does not match its topic's schema (never retried: it cannot get better). */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
}

/** Builds a validated envelope; throws MessageValidationError when the payload does not fit the topic. */
export function createEnvelope<T extends TopicName>(
  producer: string,
  topic: T,
  payload: PayloadOf<T>,
  opts: EnqueueOptions,
): Envelope<PayloadOf<T>> {
  const parsed = TopicSchemas[topic].safeParse(payload);
  if (!parsed.success) throw new MessageValidationError(`payload does not match ${topic}: ${describeIssues(parsed.error)}`);
  const eventId = randomUUID();
  const envelope: Envelope<PayloadOf<T>> = {
    eventId,
    type: topic,
    schemaVersion: schemaVersionOf(topic),
    occurredAt: new Date().toISOString(),
    producer,
    correlationId: opts.correlationId ?? eventId,
    causationId: opts.causationId ?? null,
    key: opts.key,
    payload: parsed.data as PayloadOf<T>,
  };
  const check = EnvelopeSchema.safeParse(envelope);
  if (!check.success) throw new MessageValidationError(`invalid envelope for ${topic}: ${describeIssues(check.error)}`);
  return envelope;
}

/** Envelope fields mirrored into headers so tooling can route and trace without parsing the value. */
export function envelopeHeaders(envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = {
    [Headers.EventId]: envelope.eventId,
    [Headers.EventType]: envelope.type,
    [Headers.SchemaVersion]: String(envelope.schemaVersion),
    [Headers.Producer]: envelope.producer,
    [Headers.CorrelationId]: envelope.correlationId,
  };
  if (envelope.causationId) headers[Headers.CausationId] = envelope.causationId;
  return headers;
}

export function toWireMessage(envelope: Envelope, traceHeaders: Record<string, string>): WireMessage {
  return {
    topic: envelope.type,
    key: envelope.key,
    value: JSON.stringify(envelope),
    headers: { ...traceHeaders, ...envelopeHeaders(envelope) },
  };
}

export type DecodeResult =
  | { ok: true; envelope: Envelope<unknown> }
  | { ok: false; error: string };

/** Maximum accepted message size; anything bigger is hostile or a bug (our envelopes are a few KB). */
const MAX_VALUE_BYTES = 1024 * 1024;

/** Parses and validates a received value against the envelope schema and the topic's payload schema. */
export function decodeEnvelope(topic: string, value: string | Buffer | null): DecodeResult {
  if (value == null || value.length === 0) return { ok: false, error: 'empty message value' };
  if (value.length > MAX_VALUE_BYTES) return { ok: false, error: `message value exceeds ${MAX_VALUE_BYTES} bytes` };
  if (!isTopicName(topic)) return { ok: false, error: `unknown topic ${topic}` };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `value is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, error: `invalid envelope: ${describeIssues(envelope.error)}` };
  if (envelope.data.type !== topic) return { ok: false, error: `envelope type ${envelope.data.type} sent on ${topic}` };
  const payload = TopicSchemas[topic].safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, error: `invalid payload for ${topic}: ${describeIssues(payload.error)}` };
  return { ok: true, envelope: { ...envelope.data, payload: payload.data } };
}
